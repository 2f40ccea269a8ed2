"""Every event handler of every tab, driven through Gradio's own pipeline with generated input (hypothesis).

What an API client can send is generated per input component: any text (5,000 characters, HTML, paths, JSON),
numbers (NaN, inf, negative, huge), choices and non-choices, uploads (garbage bytes, truncated or tiny images,
a decompression bomb, a path outside Gradio's upload folder), wrong types. Gradio's preprocessing may refuse
a payload; once a handler runs, the only exception allowed is gr.Error, worded in the asker's language. After
every call a probe request must still get its normal answer, and after each handler's batch the handler answers
its default input as it did before the batch.
"""
from __future__ import annotations

import asyncio
import io
import re
import shutil
import uuid
from collections import Counter
from pathlib import Path

import gradio as gr
import numpy as np
import pytest
import torch
from gradio.exceptions import Error
from gradio.state_holder import SessionState
from gradio.utils import get_upload_folder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from explorer.labs.alexnet import tab as alexnet_tab
from explorer.labs.alexnet import views as alexnet_views
from explorer.labs.resnet import tab as resnet_tab
from explorer.labs.runs import tab as runs_tab
from explorer.labs.transformer import tab as transformer_tab
from explorer.reading import tab as reading_tab
from explorer.serving import services
from explorer.serving.deployment import OWNER_COOKIE
from explorer.shared.i18n import COOKIE
from models.resnet import cifar_resnet
from models.transformer import Transformer, small
from train.checkpoint import save_checkpoint
from train.data import DataUnavailable
from train.recipes import get_recipe
from train.recipes.alexnet import build_model
from train.store import RunStore
from train.text_data import load_corpus, train_tokenizer
from train.translation_task import Translator, export_bundle

TABS = {"alexnet": alexnet_tab, "resnet": resnet_tab, "transformer": transformer_tab, "runs": runs_tab,
        "reading": reading_tab}
EXAMPLES = 12        # per handler; heavy handlers (a model forward per call) get HEAVY_EXAMPLES
HEAVY = {"search", "explain", "show_filters", "translate", "knife", "attribute", "show_responses", "init_gradients",
         "block_view", "paper_views", "show_paths", "measure_live"}
HEAVY_EXAMPLES = 5
CJK = re.compile(r"[\u4e00-\u9fff]")
TRIED: dict[str, Counter] = {}  # per handler: how many inputs were answered, refused by Gradio, or a gr.Error

NASTY = ["", " ", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "../../etc/passwd", "/etc/passwd",
         "~/.ssh/id_rsa", '{"steps": -1}', '{"steps": 1e309, "depth": "x"}', '{"batch_size": 0}', "[1, 2]", "NaN",
         "null", "\x00\x01", "🙂" * 50, "a" * 5000, "中文" * 2500, "run:../../etc", "bundle:../../etc",
         "run:20260101-000000-abcdef", "20260101-000000-abcdef", "torchvision", "cifar10", "sample", "lecture"]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
NUMBER = st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0, -1, 1, 2, 3, 7, 0.5, 1e308, -1e308]))
JUNK = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=6)


# -- the app under test ---------------------------------------------------------------------------------------
def upload_files() -> list[str]:
    """Files as a browser would upload them, in Gradio's upload folder: good, odd, broken and hostile."""
    folder = Path(get_upload_folder()) / f"fuzz-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)

    def png(array: np.ndarray, name: str) -> bytes:
        buf = io.BytesIO()
        Image.fromarray(array).save(buf, format="PNG")
        (folder / name).write_bytes(buf.getvalue())
        return buf.getvalue()

    photo = png(np.random.default_rng(0).integers(0, 255, (40, 60, 3), dtype=np.uint8), "photo.png")
    png(np.zeros((2, 2, 3), np.uint8), "tiny.png")
    png(np.zeros((30, 30), np.uint16), "grey16.png")
    (folder / "truncated.png").write_bytes(photo[: len(photo) // 2])
    (folder / "garbage.jpg").write_bytes(np.random.default_rng(1).bytes(3000))
    (folder / "notes.txt").write_text("not an image")
    (folder / "empty.png").write_bytes(b"")
    # a PNG header claiming 100,000 x 100,000 pixels: PIL's decompression-bomb guard must refuse it
    (folder / "bomb.png").write_bytes(photo[:16] + (100_000).to_bytes(4, "big") * 2 + photo[24:])
    return [str(p) for p in sorted(folder.iterdir())] + ["/etc/passwd"]


def seed_models(store: RunStore, models_dir: Path) -> None:
    """An AlexNet run and a ResNet run with one (untrained) checkpoint each, and a tiny translation bundle."""
    torch.manual_seed(0)
    alex = get_recipe("alexnet").config("lecture", data="sample", steps=1)
    run_id = store.create_run("alexnet", alex.to_dict(), label="fuzz alexnet", status="done")
    save_checkpoint(store.checkpoint_dir(run_id), 1, {"model": build_model(alex).state_dict(), "step": 1})
    res = get_recipe("resnet").config("lecture", data="sample", depth=8, steps=1)
    run_id = store.create_run("resnet", res.to_dict(), label="fuzz resnet", status="done")
    save_checkpoint(store.checkpoint_dir(run_id), 1, {"model": cifar_resnet(8).state_dict(), "step": 1})
    pairs = load_corpus("multi30k-en-de", offline=True).splits["val"][:300]
    tok = train_tokenizer([s for pair in pairs for s in pair], 300)
    model = Transformer(small(src_vocab=tok.get_vocab_size(), tgt_vocab=tok.get_vocab_size(), n_layers=1, d_model=16,
                              d_ff=32, n_heads=2, max_len=128))
    export_bundle(Translator(model, tok, {"corpus": "multi30k-en-de", "src_lang": "en", "tgt_lang": "de"}),
                  models_dir / "transformer-fuzz", steps=0)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The whole app on a fresh store with a few models; launches queue but never train; nothing is downloaded."""
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("home")
    models_dir = tmp_path_factory.mktemp("models")
    mp.setenv("PAPERLAB_HOME", str(home))
    mp.setenv("PAPERLAB_MAX_RUNNING", "0")
    services.store.cache_clear()
    services.launcher.cache_clear()
    seed_models(services.store(), models_dir)
    services.launcher().max_queued = 10**6  # fuzzed launches must not fill the queue for the good calls

    def offline(*_args, **_kwargs):
        raise DataUnavailable("offline in this test")

    mp.setattr(runs_tab, "load_cifar10", offline)
    mp.setattr(alexnet_views, "_imagenet_view_model", offline)
    mp.setattr(transformer_tab, "MODELS_DIR", models_dir)
    transformer_tab._load.cache_clear()
    uploads = upload_files()
    blocks = {}
    for name, module in TABS.items():
        with gr.Blocks() as demo:
            module.build()
        blocks[name] = demo
    yield blocks, uploads
    print("\ninputs tried per handler (answered/gr.Error/refused by Gradio's preprocessing):")
    for name, seen in sorted(TRIED.items()):
        print(f"{name}: {sum(seen.values())} ({seen['ok']}/{seen['error']}/{seen['refused']})")
    shutil.rmtree(Path(uploads[0]).parent, ignore_errors=True)
    services.store.cache_clear()
    services.launcher.cache_clear()
    mp.undo()


# -- payloads ---------------------------------------------------------------------------------------------------
def choice_values(block) -> list:
    return [value for _, value in getattr(block, "choices", None) or []]


def payload(block, uploads: list[str]) -> st.SearchStrategy:
    """What a client may send for this component: mostly plausible, sometimes out of range, sometimes the wrong type."""
    if isinstance(block, gr.File):
        files = st.sampled_from(uploads).map(lambda p: {"path": p, "orig_name": Path(p).name,
                                                        "meta": {"_type": "gradio.FileData"}})
        plausible = st.one_of(st.none(), files)
    elif isinstance(block, (gr.Number, gr.Slider)):
        low, high = getattr(block, "minimum", None), getattr(block, "maximum", None)
        inside = st.floats(low, high) if low is not None and high is not None else st.floats(-1e6, 1e6)
        plausible = st.one_of(inside, NUMBER)
    elif isinstance(block, (gr.Dropdown, gr.CheckboxGroup, gr.Radio)):
        values = choice_values(block)
        one = st.one_of(st.sampled_from(values), TEXT) if values else TEXT
        many = st.lists(one, max_size=5)
        multi = isinstance(block, gr.CheckboxGroup) or getattr(block, "multiselect", False)
        plausible = st.one_of(many if multi else one, st.none())
    elif isinstance(block, gr.Checkbox):
        plausible = st.booleans()
    elif isinstance(block, gr.Textbox):
        plausible = TEXT
    else:  # BrowserState, Markdown, Plot, ...: whatever JSON arrives
        plausible = JUNK
    return st.one_of(plausible, plausible, plausible, JUNK)


def default_payload(block):
    value = getattr(block, "value", None)
    return None if isinstance(block, gr.File) or callable(value) else value


def request(lang: str) -> gr.Request:
    cookie = f"{COOKIE}={lang}; {OWNER_COOKIE}={'ab' * 16}"
    return gr.Request(headers={"cookie": cookie, "accept-language": lang}, session_hash="fuzz", client={"host": "x"})


# -- driving one handler ----------------------------------------------------------------------------------------
async def call(demo: gr.Blocks, block_fn, payloads: list, session: SessionState, lang: str) -> str:
    """'refused' (Gradio's preprocessing said no), 'error: message' (gr.Error), or 'ok'; anything else raises."""
    try:
        inputs = await demo.preprocess_data(block_fn, payloads, session)
    except Exception:
        return "refused"
    try:
        result = await demo.call_function(block_fn, inputs, requests=request(lang), state=session)
        await demo.postprocess_data(block_fn, result["prediction"], session)
    except Error as exc:
        message = str(exc.message if hasattr(exc, "message") else exc)
        assert message and "Traceback" not in message and len(message) < 2000, message
        if lang == "zh":
            assert CJK.search(message), f"{block_fn.name}: untranslated message {message!r}"
        return f"error: {type(exc).__name__}"
    return "ok"


def handlers(demo: gr.Blocks) -> list:
    return [fn for fn in demo.fns.values() if fn.fn is not None]


def warmed(demo: gr.Blocks, block_fn) -> SessionState:
    """A session whose State inputs of block_fn hold what the page would put there (e.g. the query image, a
    translation): for each, the first handler that writes it and answers its default input."""
    session = SessionState(demo)
    for state in (b for b in block_fn.inputs if isinstance(b, gr.State)):
        for producer in handlers(demo):
            writes = any(out is state for out in producer.outputs)
            if writes and producer is not block_fn and not any(isinstance(b, gr.State) for b in producer.inputs):
                defaults = [default_payload(b) for b in producer.inputs]
                if asyncio.run(call(demo, producer, defaults, session, "en")) == "ok":
                    break
    return session


def probe(blocks: dict) -> None:
    """The next request still works: the Runs tab fills in the lecture preset's numbers, through the same pipeline."""
    demo = blocks["runs"]
    block_fn = next(fn for fn in handlers(demo) if fn.name == "defaults_for")
    lecture = get_recipe("resnet").config("lecture")

    async def ask() -> list:
        session = SessionState(demo)
        inputs = await demo.preprocess_data(block_fn, ["resnet", "lecture"], session)
        return list((await demo.call_function(block_fn, inputs, state=session))["prediction"])

    assert asyncio.run(ask()) == [lecture.steps, lecture.batch_size, lecture.lr]


def fuzz(blocks: dict, tab: str, block_fn, uploads: list[str]) -> None:
    """Generated inputs into one handler (one session, as one browser tab would); the default input answers as before."""
    demo, name = blocks[tab], f"{tab}.{block_fn.api_name or block_fn.name}"
    session = warmed(demo, block_fn)
    defaults = [default_payload(b) for b in block_fn.inputs]
    before = asyncio.run(call(demo, block_fn, defaults, warmed(demo, block_fn), "en"))

    @settings(max_examples=HEAVY_EXAMPLES if block_fn.name in HEAVY else EXAMPLES, deadline=None, database=None,
              derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.booleans(), min_size=len(defaults), max_size=len(defaults)),
           st.tuples(*(payload(b, uploads) for b in block_fn.inputs)), st.sampled_from(["en", "zh"]))
    def drive(mask, generated, lang):
        """Some inputs generated, the others as the page starts (so the handler's own code is reached)."""
        payloads = [new if m else old for m, new, old in zip(mask, generated, defaults)]
        outcome = asyncio.run(call(demo, block_fn, payloads, session, lang))
        TRIED.setdefault(name, Counter())[outcome.split(":")[0]] += 1
        probe(blocks)

    drive()
    after = asyncio.run(call(demo, block_fn, defaults, warmed(demo, block_fn), "en"))
    assert after.split(":")[0] == before.split(":")[0], f"{name}: {before} before the generated inputs, {after} after"


@pytest.mark.parametrize("tab", list(TABS))
def test_every_handler_survives_generated_input(app, tab):
    blocks, uploads = app
    fns = handlers(blocks[tab])
    assert fns, f"the {tab} tab wires no handlers"
    for block_fn in fns:
        fuzz(blocks, tab, block_fn, uploads)


def test_uploads_are_read_from_gradios_upload_folder_only(app):
    blocks, uploads = app
    demo = blocks["alexnet"]
    pick_upload = next(fn for fn in handlers(demo) if fn.name == "pick_upload")
    outside = {"path": "/etc/passwd", "orig_name": "passwd", "meta": {"_type": "gradio.FileData"}}
    assert asyncio.run(call(demo, pick_upload, [outside], SessionState(demo), "en")) == "refused"
    inside = {"path": next(p for p in uploads if p.endswith("photo.png")), "meta": {"_type": "gradio.FileData"}}
    assert asyncio.run(call(demo, pick_upload, [inside], SessionState(demo), "en")) == "ok"
