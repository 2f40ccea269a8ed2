"""The app shell (issue 9) without a browser: language choice, i18n tables, the header, Spaces settings, gpu()."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import gradio as gr
import pytest
import yaml

import app
from explorer.serving import gpu
from explorer.shared.i18n import COOKIE, LANGUAGES, all_strings, error, language, text

ROOT = Path(__file__).resolve().parent.parent
HF_COLOURS = {"red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"}


def request(**headers: str) -> gr.Request:
    return gr.Request(headers={k.replace("_", "-"): v for k, v in headers.items()})


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, "en"),
    ({"accept_language": "zh-CN,zh;q=0.9,en;q=0.8"}, "zh"),
    ({"accept_language": "en-GB,zh;q=0.5"}, "en"),
    ({"accept_language": "zh-CN", "cookie": f"other=1; {COOKIE}=en"}, "en"),   # the user's choice wins
    ({"accept_language": "en-US", "cookie": f"{COOKIE}=zh"}, "zh"),
    ({"accept_language": "zh-TW", "cookie": f"{COOKIE}=fr"}, "zh"),            # unknown choice: the browser's
    ({"accept_language": "en", "cookie": 'broken="'}, "en"),                   # a malformed cookie is ignored
])
def test_language_follows_the_cookie_then_the_browser(headers, expected):
    assert language(request(**headers)) == expected


def test_language_without_a_request_is_english():
    assert language(None) == "en"


def test_every_string_has_both_languages_and_chinese_text():
    strings = all_strings()
    for key in ("app.presenter", "app.language", "app.lang_code", "tab.runs"):
        assert key in strings
    for key, (english, chinese) in strings.items():
        assert english.strip() and chinese.strip(), key
    assert [text("app.lang_code", lang) for lang in LANGUAGES] == list(LANGUAGES)  # what shell.js reads
    # Most entries have Chinese characters in their Chinese text (names like "AlexNet (2012)" need none).
    han = sum(bool(re.search(r"[\u4e00-\u9fff]", chinese)) for _, chinese in strings.values())
    assert han > 0.8 * len(strings)


def test_text_keeps_literal_braces_and_fills_values():
    assert "{" in text("runs.options", "en")  # a JSON example in a label, not a format field
    assert "oops" in text("msg.bad_json", "en", error="oops", line=1, col=2)
    assert "第 1 行第 2 列" in text("msg.bad_json", "zh", error="oops", line=1, col=2)  # no English parser text
    assert text("no.such.key", "zh") == "no.such.key"


def test_an_error_toast_is_titled_and_worded_in_the_askers_language():
    toast = error("msg.no_run", "zh")
    assert (toast.title, toast.message) == ("错误", "请先选择一个训练。")
    assert error("msg.no_run", "en").title == "Error"


def test_header_switches_act_in_the_browser():
    demo = app.build_app()
    components = {c.elem_id: c for c in demo.blocks.values() if getattr(c, "elem_id", None)}
    assert isinstance(components["presenter-toggle"], gr.Checkbox)
    assert [value for _, value in components["lang-switch"].choices] == list(LANGUAGES)
    assert "lang-marker" in components
    scripts = [dep.js for dep in demo.fns.values() if dep.js]
    assert any("setPresenter" in js for js in scripts) and any("setLanguage" in js for js in scripts)
    assert any("restore" in js for js in scripts)


def test_launch_options_load_the_page_shell():
    options = app.launch_options("127.0.0.1", 7860)
    assert options["head"].startswith("<script>") and "window.paperlab" in options["head"]
    assert all(Path(path).is_file() for path in options["css_paths"])
    assert "settings" in options["footer_links"]  # Gradio's own language menu stays available
    shell = (ROOT / "explorer" / "shared" / "shell.js").read_text()
    for name in ("setPresenter", "setLanguage", "restore", "downloadImage"):
        assert name in shell


def test_space_defaults_put_runs_and_caches_in_the_bucket(tmp_path):
    env = {"SPACE_ID": "someone/paper-lab"}
    assert app.space_defaults(env, tmp_path) == {"PAPERLAB_HOME": str(tmp_path / "paperlab"),
                                                 "HF_HOME": str(tmp_path / "huggingface")}
    assert app.space_defaults({**env, "PAPERLAB_HOME": "/elsewhere"}, tmp_path) == {"HF_HOME": str(tmp_path / "huggingface")}
    assert app.space_defaults({}, tmp_path) == {}                           # not on a Space
    assert app.space_defaults(env, tmp_path / "not-mounted") == {}          # no storage bucket


def test_space_front_matter_is_valid():
    readme = (ROOT / "README.md").read_text()
    assert readme.startswith("---\n")
    meta = yaml.safe_load(readme.split("---\n")[1])
    assert meta["sdk"] == "gradio" and meta["sdk_version"] == gr.__version__
    assert (ROOT / meta["app_file"]).is_file()
    assert meta["colorFrom"] in HF_COLOURS and meta["colorTo"] in HF_COLOURS
    assert len(meta["short_description"]) <= 60
    assert str(meta["python_version"]).startswith("3.")
    requirements = (ROOT / "requirements.txt").read_text()
    assert f"gradio=={gr.__version__}" in requirements and re.search(r"^spaces", requirements, re.M)


def test_gpu_is_a_no_op_off_zerogpu():
    def work(x):
        return x + 1

    assert not gpu.ZERO_GPU
    assert gpu.gpu(work) is work and gpu.gpu(duration=5)(work) is work


def test_gpu_uses_spaces_on_zerogpu(monkeypatch):
    calls = []

    class FakeSpaces:
        @staticmethod
        def GPU(fn=None, *, duration=None):  # noqa: N802 (the name spaces uses)
            calls.append(duration)
            return fn if fn is not None else (lambda f: f)

    monkeypatch.setattr(gpu, "ZERO_GPU", True)
    monkeypatch.setattr(gpu, "spaces", FakeSpaces, raising=False)
    gpu.gpu(print)
    gpu.gpu(duration=30)(print)
    assert calls == [60, 30]


FAKE_SPACES = '''
import functools
CALLS = []  # the functions run through spaces.GPU, in order

def GPU(fn=None, *, duration=60):
    def decorate(f):
        @functools.wraps(f)
        def call(*args, **kwargs):
            CALLS.append(f.__name__)
            return f(*args, **kwargs)
        call.gpu_duration = duration
        return call
    return decorate(fn) if fn is not None else decorate
'''

# Each lab's handlers, as the UI calls them: every model run goes through explorer.serving.gpu.gpu (spaces.GPU on ZeroGPU).
LAB_HANDLERS = '''
import spaces
from explorer.labs.alexnet import tab as alexnet_tab
from explorer.labs.alexnet import views as alexnet_views
from explorer.labs.resnet import tab as resnet_tab
from explorer.labs.transformer import tab as transformer_tab

def ran(handler, *args):
    spaces.CALLS.clear()
    handler(*args)
    return sorted(set(spaces.CALLS))

quiet = lambda *a, **k: None
query = {"image": alexnet_views.load_gallery().images[0], "index": 0}
model = "bundled:alexnet-cifar-two-towers"
print(ran(alexnet_tab.search, model, query, 3, None, quiet))
print(ran(alexnet_tab.explain, model, query, None, "Saliency", None))
print(ran(resnet_tab.init_gradients, 20, None))
key = "bundle:transformer-en-de"
spaces.CALLS.clear()
state = transformer_tab.translate(key, "A dog runs.", 1, None, quiet)[1]
print(sorted(set(spaces.CALLS)))
transformer_tab.KNIFE_SENTENCES = 2
print(ran(transformer_tab.knife, state, "A dog runs.", ["encoder L1 H1"], [], [], None, quiet))
print(ran(transformer_tab.attribute, state, 1, None, quiet))
'''


def test_lab_handlers_run_their_models_through_spaces_gpu_on_zerogpu(home, tmp_path):
    (tmp_path / "spaces.py").write_text(FAKE_SPACES)
    env = {**os.environ, "SPACES_ZERO_GPU": "true", "PYTHONPATH": str(tmp_path), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", LAB_HANDLERS], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == [
        "['hidden_and_probs']",                   # top-5, the query's features and the gallery's
        "['attribute', 'hidden_and_probs']",      # the attribution, of the top class
        "['initial_gradient_norms']",
        "['translate_with_maps']",
        "['translations']",                       # the sentence and both BLEU passes
        "['attribution']",
    ]
