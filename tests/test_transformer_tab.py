"""The Transformer lab's views and handlers, on a small model made in the test (no bundled model needed)."""
from __future__ import annotations

import gradio as gr
import numpy as np
import pytest
import torch

from explorer.labs.transformer import figures, tab, views
from models.transformer import Transformer, small
from train.text_data import load_corpus, train_tokenizer
from train.translation_task import Translator, export_bundle


def no_progress(*args, **kwargs):
    return None


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    """An untrained en-de model folder, laid out as assets/models/transformer-* (weights random, vocabulary real)."""
    pairs = load_corpus("multi30k-en-de", offline=True).splits["val"]
    tok = train_tokenizer([s for pair in pairs for s in pair], 800)
    torch.manual_seed(0)
    model = Transformer(small(src_vocab=tok.get_vocab_size(), tgt_vocab=tok.get_vocab_size(), n_layers=2, d_model=32,
                              d_ff=64, max_len=256))
    folder = tmp_path_factory.mktemp("models")
    export_bundle(Translator(model, tok, {"corpus": "multi30k-en-de", "src_lang": "en", "tgt_lang": "de"}),
                  folder / "transformer-test", steps=0)
    return folder


@pytest.fixture
def lab(models_dir, monkeypatch, home):
    monkeypatch.setattr(tab, "MODELS_DIR", models_dir)
    tab._load.cache_clear()
    return tab


def test_models_are_listed_and_missing_ones_say_so(lab, monkeypatch, tmp_path):
    assert lab.model_choices() == [("transformer-test (bundled)", "bundle:transformer-test")]  # no test BLEU yet
    with pytest.raises(gr.Error):
        lab.get_translator(None, "en")
    monkeypatch.setattr(tab, "MODELS_DIR", tmp_path)
    assert lab.model_choices() == []


def test_train_your_own_shows_the_bundled_models_curves(lab, models_dir):
    assert lab.curves("bundle:transformer-test", "en") is None          # a bundle without metrics.csv: nothing
    (models_dir / "transformer-test" / "metrics.csv").write_text("step,bleu,loss,val_loss\n50,,8.7,\n100,4.5,7.5,7.9\n")
    try:
        figure = lab.curves("bundle:transformer-test", "en")
    finally:
        (models_dir / "transformer-test" / "metrics.csv").unlink()
    assert {trace.name.strip(): list(trace.x) for trace in figure.data} == {"loss": [50, 100], "val_loss": [100],
                                                                          "bleu": [100]}
    assert lab.curves("bundle:../../etc", "en") is None and lab.curves(None, "en") is None


def test_translate_keeps_every_map_and_handles_bad_input(lab):
    out = lab.translate("bundle:transformer-test", "A dog runs on the beach.", 1, None, no_progress)
    state = out[1]
    n_src, n_out = len(state["src"]), len(state["out"])
    assert state["maps"]["encoder"].shape == (2, 4, n_src, n_src)
    assert state["maps"]["cross"].shape == (2, 4, n_out, n_src)
    assert state["maps"]["decoder"].shape == (2, 4, n_out, n_out)
    np.testing.assert_allclose(state["maps"]["cross"].sum(-1), 1, atol=1e-5)
    with pytest.raises(gr.Error):
        lab.translate("bundle:transformer-test", "   \n ", 1, None, no_progress)
    with pytest.warns(UserWarning, match="cut"):
        long = lab.translate("bundle:transformer-test", "a dog " * 900, 4, None, no_progress)  # 5,400 characters
    assert len(long[1]["src"]) <= 129
    with pytest.warns(UserWarning, match="vocabulary"):
        odd = lab.translate("bundle:transformer-test", "<script>alert(1)</script> 🐶 Собака", 1, None, no_progress)
    assert all("<script" not in tok for tok in odd[1]["src"])
    # opening the lab translates the sentence in the box once; later visits keep what is there
    assert lab.translate_once("bundle:transformer-test", "A dog runs on the beach.", 1, None, None,
                              no_progress)[0] == out[0]
    assert lab.translate_once("bundle:transformer-test", "Cats.", 1, state, None, no_progress) == (gr.skip(),) * 10
    assert lab.translate_once("bundle:transformer-test", "  ", 1, None, None, no_progress) == (gr.skip(),) * 10
    # every view draws from the state without a model pass
    mean_only = lab.show_step(state, 1, 1, -1, None)[0]      # the mean chosen: drawn once, not twice
    assert [bar.name for bar in mean_only.data] == ["mean of heads"]
    one_head = lab.show_step(state, 2, 1, 2, None)[0]        # step 2, layer index 1, head H3 beside the mean
    assert [bar.name for bar in one_head.data] == ["H3", "mean of heads"]
    np.testing.assert_allclose(one_head.data[0].y, state["maps"]["cross"][1, 2, 1])
    assert lab.show_grid(state, "decoder", None) is not None
    assert lab.show_head_view(state, "cross", 0, 2, None) is not None


def test_heads_under_the_knife_and_attribution(lab):
    state = lab.translate("bundle:transformer-test", "Two men are playing football.", 1, None, no_progress)[1]
    new_text, message = lab.knife(state, "Two men are playing football.", [], [],
                                  views.head_labels("cross", 2, 4), None, no_progress)
    assert isinstance(new_text, str) and "BLEU" in message
    fig = lab.attribute(state, 1, None, no_progress)
    assert len(fig.data) == 2


def test_views_are_pure_and_escape_tokens():
    assert views.display_tokens(["▁<b>hi</b>", "▁"]) == ["&lt;b&gt;hi&lt;/b&gt;", "▁"]
    weights = np.random.default_rng(0).dirichlet(np.ones(5), size=(2, 3, 5))   # (N, H, T, T)
    masked = views.causal_view(weights[0, 0])
    assert np.isnan(masked[0, 1]) and not np.isnan(masked[1, 0])
    np.testing.assert_allclose(views.head_or_mean(weights, 1, None), weights[1].mean(0))
    gates = views.head_gates(["cross L2 H3"], 2, 3)
    assert gates["cross"][1, 2] == 0 and gates["cross"].sum() == 5 and gates["encoder"].sum() == 6
    fig = figures.make_head_view_figure(weights[0], list("abcde"), list("vwxyz"), "t")
    assert len(fig.data) <= 3 * 5 + 3 + 2     # traces grouped by head and opacity band, not one per line
    steps, lrs = views.lr_curve(512, 4000, 1.0, 20000)
    assert steps[int(lrs.argmax())] == pytest.approx(4000, rel=0.02)
    assert lrs.max() == pytest.approx(512 ** -0.5 * 4000 ** -0.5, rel=0.01)


def test_the_tab_builds(lab):
    with gr.Blocks():
        lab.build()


def test_a_chinese_page_opens_on_a_translator_into_chinese(lab, models_dir, monkeypatch, tmp_path):
    import json
    import shutil

    zh, en = (gr.Request(headers={"accept-language": lang}) for lang in ("zh-CN,zh;q=0.9", "en-GB"))
    assert lab.model_for_language(zh) == gr.skip()  # no translator into Chinese: the first model stays
    both = tmp_path / "models"
    shutil.copytree(models_dir / "transformer-test", both / "transformer-a-de")
    shutil.copytree(models_dir / "transformer-test", both / "transformer-b-zh")
    config = json.loads((both / "transformer-b-zh" / "config.json").read_text())
    (both / "transformer-b-zh" / "config.json").write_text(json.dumps({**config, "corpus": "tatoeba-en-zh",
                                                                       "tgt_lang": "zh"}))
    monkeypatch.setattr(tab, "MODELS_DIR", both)
    assert lab.model_for_language(zh) == "bundle:transformer-b-zh"
    assert lab.model_for_language(en) == gr.skip()  # an English page keeps the first model

    # the example sentence follows the model, until the user writes one of their own
    examples = lab.EXAMPLES
    assert lab.example_for("bundle:transformer-b-zh", examples["multi30k-en-de"], zh) == examples["tatoeba-en-zh"]
    assert lab.example_for("bundle:transformer-a-de", "  ", en) == examples["multi30k-en-de"]
    assert lab.example_for("bundle:transformer-a-de", "My own sentence.", en) == gr.skip()
    with pytest.raises(gr.Error):
        lab.example_for("bundle:missing", "", en)


def test_inside_the_paper_draws_the_bundled_models_own_schedule(home):
    """Eq. 3 as the shipped model trained (train.export records its run's config), not the paper's defaults."""
    if not (tab.MODELS_DIR / "transformer-en-de" / "model.safetensors").exists():
        pytest.skip("no bundled en-de Transformer")
    tab._load.cache_clear()
    key = "bundle:transformer-en-de"
    settings = tab.run_settings(key, tab.get_translator(key, "en"))
    assert (settings["warmup_steps"], settings["steps"], settings["dropout"]) == (1500, 2737, 0.3)
    lr_figure = tab.paper_views(key, None)[1]
    assert "warmup=1500" in lr_figure.layout.title.text and max(lr_figure.data[0].x) == 2737
