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
    tab.translated.cache_clear()
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
    assert lab.translate_once("bundle:transformer-test", "Cats.", 1, state, None, no_progress) == (gr.skip(),) * 11
    assert lab.translate_once("bundle:transformer-test", "  ", 1, None, None, no_progress) == (gr.skip(),) * 11
    # every view draws from the state without a model pass
    mean_only = lab.show_step(state, 1, 1, -1, None)[0]      # the mean chosen: drawn once, not twice
    assert [bar.name for bar in mean_only.data] == ["mean of heads"]
    one_head = lab.show_step(state, 2, 1, 2, None)[0]        # step 2, layer index 1, head H3 beside the mean
    assert [bar.name for bar in one_head.data] == ["H3", "mean of heads"]
    np.testing.assert_allclose(one_head.data[0].y, state["maps"]["cross"][1, 2, 1])
    assert lab.show_grid(state, "decoder", None) is not None
    assert lab.show_head_view(state, "cross", 0, 2, None) is not None


def test_a_sentence_the_class_translated_is_answered_from_memory(lab, monkeypatch):
    """A lecture hall translates the same few sentences: the second asks no model pass and shares the first's maps
    (read-only) instead of keeping a copy in each session's state; another beam or sentence is translated anew."""
    passes, model_pass = [], views.translate_with_maps
    monkeypatch.setattr(views, "translate_with_maps", lambda *args: passes.append(args[1:]) or model_pass(*args))
    first, again = (lab.translate("bundle:transformer-test", "A dog runs.", 1, None, no_progress) for _ in range(2))
    assert passes == [("A dog runs.", 1)] and again[0] == first[0]
    assert again[1]["maps"]["cross"] is first[1]["maps"]["cross"] and not first[1]["maps"]["cross"].flags.writeable
    lab.translate("bundle:transformer-test", "A dog runs.", 2, None, no_progress)
    lab.translate("bundle:transformer-test", "A cat runs.", 1, None, no_progress)
    assert passes[1:] == [("A dog runs.", 2), ("A cat runs.", 1)]


def test_heads_under_the_knife_and_attribution(lab):
    state = lab.translate("bundle:transformer-test", "Two men are playing football.", 1, None, no_progress)[1]
    new_text, message = lab.knife(state, "Two men are playing football.", [], [],
                                  views.head_labels("cross", 2, 4), None, no_progress)
    assert isinstance(new_text, str) and "BLEU" in message
    fig = lab.attribute(state, 1, None, no_progress)
    assert len(fig.data) == 2


def test_views_are_pure_and_escape_tokens():
    assert views.display_tokens(["▁<b>hi</b>", "▁", "我"]) == ["&lt;b&gt;hi&lt;/b&gt;", "␣", "我"]  # no bare ▁
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
    model, example = lab.model_for_language(zh)
    assert "value" not in model and example == gr.skip()  # no translator into Chinese: the first model stays
    both = tmp_path / "models"
    shutil.copytree(models_dir / "transformer-test", both / "transformer-a-de")
    shutil.copytree(models_dir / "transformer-test", both / "transformer-b-zh")
    config = json.loads((both / "transformer-b-zh" / "config.json").read_text())
    (both / "transformer-b-zh" / "config.json").write_text(json.dumps({**config, "corpus": "tatoeba-en-zh",
                                                                       "tgt_lang": "zh"}))
    monkeypatch.setattr(tab, "MODELS_DIR", both)
    model, example = lab.model_for_language(zh)
    assert model["value"] == "bundle:transformer-b-zh" and example == lab.EXAMPLES["tatoeba-en-zh"]  # its example too
    assert "（附带" in model["choices"][0][0]  # the models listed in Chinese
    assert lab.model_for_language(en) == (gr.skip(), gr.skip())  # an English page keeps the first model

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
    assert (settings["warmup_steps"], settings["steps"], settings["dropout"]) == (1500, 7600, 0.3)
    lr_figure = tab.paper_views(key, None)[1]
    assert "warmup=1500" in lr_figure.layout.title.text and max(lr_figure.data[0].x) == 7600


# -- Attention vs recurrence (issue 33) --------------------------------------------------------------------------
@pytest.fixture
def rnnsearch_dir(models_dir):
    """A tiny untrained RNNsearch beside the test Transformer, laid out as assets/models/rnnsearch-en-de."""
    from models.recurrent import RNNSearch
    from models.recurrent import small as rnn_small
    from train.translation_task import load_bundle

    tok = load_bundle(models_dir / "transformer-test").tokenizer
    torch.manual_seed(0)
    vocab = tok.get_vocab_size()
    model = RNNSearch(rnn_small(src_vocab=vocab, tgt_vocab=vocab, emb_size=16, hidden_size=16, align_size=16,
                                maxout_size=16, dropout=0.0))
    export_bundle(Translator(model, tok, {"corpus": "multi30k-en-de", "src_lang": "en", "tgt_lang": "de"}),
                  models_dir / views.RNNSEARCH_MODEL, steps=0)
    yield models_dir
    import shutil
    shutil.rmtree(models_dir / views.RNNSEARCH_MODEL)


def logged(bleu: list[float], seconds_per_step: float, flops_per_step: float) -> dict:
    """Curves as the trainer logs them: loss and cumulative seconds and FLOPs every 50 steps, BLEU every 100."""
    log = [50 * (i + 1) for i in range(2 * len(bleu))]
    return {"loss": (log, [5.0 - 0.1 * i for i in range(len(log))]),
            "seconds": (log, [s * seconds_per_step for s in log]), "flops": (log, [s * flops_per_step for s in log]),
            "bleu": ([100 * (i + 1) for i in range(len(bleu))], bleu), "val_loss": ([100 * (i + 1) for i in range(len(bleu))],
                                                                                     [4.0 - i for i in range(len(bleu))])}


def test_quality_against_cost_draws_bundled_and_live_runs_by_minutes_and_flops(monkeypatch):
    bundled = [("Transformer", {}, logged([20.0, 31.0, 33.0], 0.3, 4e9)),   # 90 s
               ("RNNsearch", {}, logged([15.0, 25.0, 30.0], 0.6, 1e9))]      # 180 s
    monkeypatch.setattr(views, "recurrence_runs", lambda: bundled)
    live = [("Transformer", {}, logged([5.0], 1.2, 4e9))]
    figure, notes = tab.draw_recurrence(views.RECURRENCE, "g", live, [], "en")
    traces = {(trace.name, trace.xaxis): trace for trace in figure.data}
    bleu_minutes = traces[("Transformer bleu", "x")]
    np.testing.assert_allclose(bleu_minutes.x, [0.5, 1.0, 1.5])              # 100 steps at 0.3 s a step: 30 s
    assert list(bleu_minutes.y) == [20.0, 31.0, 33.0] and bleu_minutes.line.dash == "solid"
    np.testing.assert_allclose(traces[("RNNsearch bleu", "x2")].x, [1e11, 2e11, 3e11])   # FLOPs, right column
    mine = traces[("Transformer (yours) bleu", "x")]
    assert mine.line.dash == "dash" and list(mine.x) == [2.0]
    assert mine.line.color == bleu_minutes.line.color != traces[("RNNsearch bleu", "x")].line.color  # by model
    assert ("Transformer (train) loss", "x3") in traces and ("RNNsearch val_loss", "x4") in traces
    # where each ends, and when the Transformer passed RNNsearch's final 30 BLEU: at 200 steps, 1.0 minute
    assert "| Transformer | 33.00 | 1.5 |" in notes and "| RNNsearch | 30.00 | 3.0 |" in notes
    assert "after 1.0 minutes" in notes and "| Transformer (yours) | 5.00 | 2.0 |" in notes
    curves = bundled[0][2]   # BLEU 20 at 4e11 FLOPs, 31 at 8e11
    assert views.bleu_at(curves, "flops", 6e11) == pytest.approx(25.5) and views.bleu_at(curves, "flops", 1e11) is None
    zh = tab.draw_recurrence(views.RECURRENCE, "g", [], [], "zh")[1]
    assert "1.0 分钟" in zh
    monkeypatch.setattr(views, "recurrence_runs", lambda: [])
    assert tab.draw_recurrence(views.RECURRENCE, None, [], [], "en") == (None, "")


def test_the_bundled_curves_and_timing_are_read(home):
    runs = views.recurrence_runs()
    if not runs:
        pytest.skip("no bundled attention-vs-recurrence runs")
    assert [label for label, _, _ in runs] == ["Transformer", "RNNsearch"]   # not the timing table beside them
    assert {config["arch"] for _, config, _ in runs} == {"transformer", "rnnsearch"}
    rows = views.read_timing()
    assert {r["model"] for r in rows} == {"Transformer", "RNNsearch"} and all(r["train_step_ms"] > 0 for r in rows)
    figure, table = tab.show_timing(None, None)
    step_traces = [trace for trace in figure.data if trace.xaxis == "x"]
    rnn = next(trace for trace in step_traces if trace.name == "RNNsearch")
    assert list(rnn.y) == [r["train_step_ms"] for r in sorted(rows, key=lambda r: r["length"]) if r["model"] == "RNNsearch"]
    assert "O(n² · d)" in table and "O(n · d²)" in table
    ratio = views.timing_slopes(rows)["train_step_ms_slope_ratio"]
    assert f"{ratio:.0f}x" in table


def test_timing_is_measured_live_beside_the_bundled_one(monkeypatch, tmp_path):
    monkeypatch.setattr(views, "LIVE_TIMING", {"lengths": (8, 16, 32), "batch": 2, "repeats": 1, "width": 16,
                                                "budget_s": 0.0})   # past the budget after two lengths
    monkeypatch.setattr(views, "RECURRENCE_DIR", tmp_path)   # no bundled timing: only the live one
    live, figure, table = tab.measure_live(None, no_progress)
    assert [(r["model"], r["length"]) for r in live] == [("Transformer", 8), ("RNNsearch", 8), ("Transformer", 16),
                                                         ("RNNsearch", 16)]
    assert len(figure.data) == 4 and "this machine's CPU" in table   # one row of panels: step and encode, two models
    (tmp_path / "timing-h200.csv").write_text("model,length,train_step_ms,encode_ms\n"
                                              + "".join(f"{m},{n},{a * n + 5},{a}\n" for n in (8, 16, 32, 64)
                                                        for m, a in (("Transformer", 0.0), ("RNNsearch", 2.0))))
    assert len(tab.show_timing([{"model": "x"}, 3, None], None)[0].data) == 4  # junk in the page's state: dropped
    figure, table = tab.show_timing(live, None)
    assert len(figure.data) == 8 and "NVIDIA H200" in table and "this machine's CPU" in table
    assert "| RNNsearch | O(n · d²) | O(n) | O(n) | 2.000 ·" in table   # the H200 table's slope, exactly 2 ms a token
    assert "within noise of flat" in table                                # its Transformer: flat, no ratio


def test_path_lengths_are_one_step_for_attention_and_the_distance_for_recurrence():
    paths = views.path_lengths(5)
    np.testing.assert_array_equal(paths["Transformer"], 1 - np.eye(5))
    assert paths["RNNsearch"][0, 4] == paths["RNNsearch"][4, 0] == 4 and paths["RNNsearch"].max() == 4
    figure = figures.make_path_figure(paths, list("abcde"), "t")
    assert [trace.type for trace in figure.data] == ["heatmap", "heatmap"]
    assert figure.layout.coloraxis.cmax == 4


def test_both_models_attention_for_the_same_sentence(lab, rnnsearch_dir):
    rnn_choices = lab.model_choices("rnnsearch")
    assert rnn_choices == [("rnnsearch-en-de (bundled)", "bundle:rnnsearch-en-de")]
    assert lab.model_choices() == [("transformer-test (bundled)", "bundle:transformer-test")]  # no RNNsearch there
    sentence = "A dog runs on the beach."
    paths, alignment, note = lab.show_paths(sentence, "bundle:transformer-test", "bundle:rnnsearch-en-de", None,
                                            no_progress)
    assert note == "" and [trace.type for trace in paths.data] == ["heatmap", "heatmap"]
    assert len(paths.data[1].z) == len(sentence.split())
    transformer_map, rnn_map = (np.array(trace.z, dtype=float) for trace in alignment.data)
    np.testing.assert_allclose(rnn_map.sum(1), 1, atol=1e-5)           # RNNsearch's alignments, one row a word
    np.testing.assert_allclose(transformer_map.sum(1), 1, atol=1e-5)
    source_ids = lab.get_translator("bundle:rnnsearch-en-de", "en").source_ids(sentence)
    assert rnn_map.shape[1] == transformer_map.shape[1] == len(source_ids)  # same sentence, same vocabulary
    # before the RNNsearch has landed: the Transformer's map alone, and a note that says why
    _, alone, note = lab.show_paths(sentence, "bundle:transformer-test", None, None, no_progress)
    assert len(alone.data) == 1 and "rnnsearch-en-de" in note
    with pytest.raises(gr.Error):
        lab.show_paths("  ", "bundle:transformer-test", None, None, no_progress)


def test_the_bundled_rnnsearch_aligns_as_bahdanaus_fig_3(home):
    """The shipped RNNsearch translates and its alignments run down the diagonal, English and German word order being
    close in so short a caption (Bahdanau et al. 2015, Fig. 3)."""
    folder = views.bundled_rnnsearch()
    if folder is None:
        pytest.skip("no bundled RNNsearch")
    tab._load.cache_clear()  # other tests load a tiny RNNsearch under the same key
    translator = tab.get_translator("bundle:rnnsearch-en-de", "en")
    result, weights = views.alignment(translator, "Two dogs are running through the snow.")
    assert "Hunde" in result.text and "Schnee" in result.text
    np.testing.assert_allclose(weights.sum(1), 1, atol=1e-3)
    looked_at = weights[:-1].argmax(1)                                 # each German token's likeliest English one
    assert np.corrcoef(np.arange(len(looked_at)), looked_at)[0, 1] > 0.8


def test_the_experiment_panel_trains_both_models_on_the_lecture_preset():
    runs = tab.recurrence_configs(views.RECURRENCE, "lecture", "multi30k-en-de", None, "en")
    assert [(label, config["arch"]) for label, config in runs] == [("Transformer", "transformer"),
                                                                   ("RNNsearch", "rnnsearch")]
    assert all(config["minutes"] == 3.0 and config["corpus"] == "multi30k-en-de" for _, config in runs)
    assert tab.RECURRENCE_LAB.name == "seq2seq"
    with pytest.raises(gr.Error):
        tab.recurrence_configs(views.RECURRENCE, "lecture", "cifar10", None, "en")


def test_model_notes_say_what_each_bundle_trained_on_and_measured(home):
    assert "α = 0.6" in tab.model_note("run:x", {}, "en") and "第 6.1 节" in tab.model_note("run:x", {}, "zh")
    chosen = {"beam_alpha": 1.4, "beam_alpha_val_bleu": {"0.6": 40.4, "1.4": 40.85}}
    assert "α = 1.4 scores 40.85 BLEU there, the paper's 0.6 40.4" in tab.model_note("run:x", chosen, "en")
    assert "α = 1.4 在验证集上得 40.85 BLEU" in tab.model_note("run:x", chosen, "zh")
    import json
    for name in ("transformer-en-de", "transformer-en-zh", "rnnsearch-en-de"):
        config = tab.MODELS_DIR / name / "config.json"
        if not config.exists():
            continue
        card = json.loads(config.read_text())
        note = tab.model_note(f"bundle:{name}", card, "en")
        assert card["corpus"].split("-")[0].lower() in note.lower()   # multi30k, tatoeba
        assert f"{card['test_bleu']:.2f}" in note                    # the BLEU its card measured


def test_seq2seq_runs_are_listed_by_their_architecture(lab, models_dir):
    """The experiment's runs join the model lists: its Transformer where the attention views are, its RNNsearch
    beside the Transformer's cross-attention (here before any RNNsearch is bundled)."""
    from explorer.serving.services import store
    from train.checkpoint import save_checkpoint
    from train.recipes import get_recipe
    from train.text_data import save_tokenizer
    from train.translation_task import TOKENIZER_FILE, build_model, load_bundle

    tok = load_bundle(models_dir / "transformer-test").tokenizer
    ids = {}
    for arch in ("transformer", "rnnsearch"):
        cfg = get_recipe("seq2seq").config("lecture", arch=arch, n_layers=1, d_model=16, d_ff=32, n_heads=2,
                                           emb_size=16, hidden_size=16, align_size=16, maxout_size=16)
        run_id = store().create_run("seq2seq", cfg.to_dict(), label=arch, status="done")
        torch.manual_seed(0)
        save_checkpoint(store().checkpoint_dir(run_id), 1,
                        {"model": build_model(cfg.model_config(tok.get_vocab_size())).state_dict(), "step": 1})
        save_tokenizer(tok, store().run_dir(run_id) / TOKENIZER_FILE)
        ids[arch] = run_id
    assert [key for _, key in lab.model_choices()] == ["bundle:transformer-test", f"run:{ids['transformer']}"]
    assert [key for _, key in lab.model_choices("rnnsearch")] == [f"run:{ids['rnnsearch']}"]
    _, alignment, note = lab.show_paths("Two dogs play.", f"run:{ids['transformer']}", f"run:{ids['rnnsearch']}",
                                        None, no_progress)
    assert note == "" and [trace.type for trace in alignment.data] == ["heatmap", "heatmap"]


# -- what each model was trained on, and input it refuses (issue 31 item 7) ---------------------------------------
EN = gr.Request(headers={"cookie": "paperlab-lang=en"})
ZH = gr.Request(headers={"cookie": "paperlab-lang=zh"})


def zh_model(models_dir, tmp_path):
    """The test model relabelled as a translator into Chinese (its config says so; the weights do not matter)."""
    import json
    import shutil

    folder = tmp_path / "models" / "transformer-test-zh"
    shutil.copytree(models_dir / "transformer-test", folder)
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "corpus": "tatoeba-en-zh", "tgt_lang": "zh"}))
    return folder.parent


def test_under_the_input_each_model_says_what_it_was_trained_on_with_three_test_sentences(lab, models_dir, monkeypatch,
                                                                                           tmp_path):
    note, *buttons = lab.trained_on("bundle:transformer-test", EN)
    assert "Multi30k" in note and "29,000 pairs of **image captions**" in note
    test = [source for source, _ in load_corpus("multi30k-en-de", offline=True).splits["test"]]
    shown = [button.constructor_args["value"] for button in buttons]
    assert len(shown) == 3 and all(sentence in test for sentence in shown)      # held-out sentences, not made up
    assert all(button.constructor_args["visible"] for button in buttons)
    assert "图片描述" in lab.trained_on("bundle:transformer-test", ZH)[0]
    monkeypatch.setattr(tab, "MODELS_DIR", zh_model(models_dir, tmp_path))
    note, *buttons = lab.trained_on("bundle:transformer-test-zh", EN)
    assert "Tatoeba" in note and "27,155 pairs of **short everyday sentences**" in note
    tatoeba = [source for source, _ in load_corpus("tatoeba-en-zh", offline=True).splits["test"]]
    assert all(button.constructor_args["value"] in tatoeba for button in buttons)
    note, *buttons = lab.trained_on(None, EN)                               # no model: nothing to say
    assert note == "" and not any(button.constructor_args["visible"] for button in buttons)


def test_input_in_the_target_language_is_refused_not_translated(lab, models_dir, monkeypatch, tmp_path):
    def refused(key: str, sentence: str, request=EN) -> str:
        """The note, after checking that nothing else changes (no translation, every view as it was)."""
        *views_out, note = lab.translate(key, sentence, 1, request, no_progress)
        assert views_out == [gr.skip()] * len(views_out)
        return note

    for german in ("Ein Mann mit einem Hut.", "Zwei Männer spielen Fußball."):
        assert "into German, and this text is German already" in refused("bundle:transformer-test", german)
    assert "已经是德语" in refused("bundle:transformer-test", "Ich weiß nicht, was du meinst.", ZH)
    translated = lab.translate("bundle:transformer-test", "I don't know what you mean.", 1, EN, no_progress)
    assert translated[-1] == "" and translated[1]["src"]                    # English: translated, no note
    new_text, note = lab.knife(translated[1], "Der Hund läuft.", [], [], [], EN, no_progress)  # the knife too
    assert new_text == gr.skip() and "German already" in note
    monkeypatch.setattr(tab, "MODELS_DIR", zh_model(models_dir, tmp_path))
    assert "into Chinese, and this text is Chinese already" in refused("bundle:transformer-test-zh", "我不知道你的意思。")
    assert lab.translate("bundle:transformer-test-zh", "How do you say 谢谢?", 1, EN, no_progress)[-1] == ""


def test_the_language_check_spares_english_and_catches_the_test_references():
    """On the bundled test sets: no English source refused; nearly every German and every Chinese reference caught."""
    for corpus, target, caught in (("multi30k-en-de", "de", 0.95), ("tatoeba-en-zh", "zh", 1.0)):
        test = load_corpus(corpus, offline=True).splits["test"]
        assert not any(views.in_target_language(source, target) for source, _ in test)
        assert sum(views.in_target_language(ref, target) for _, ref in test) >= caught * len(test)
    assert not views.in_target_language("The café in Zürich is nice.", "de")   # one umlaut, no German word
    assert not views.in_target_language("我不知道", "fr")                        # a language it has no check for


def test_the_all_heads_grid_and_the_step_view_label_their_axes_with_tokens(lab):
    state = lab.translate("bundle:transformer-test", "Two dogs are running on the beach.", 1, None, no_progress)[1]
    grid = lab.show_grid(state, "cross", None)
    labelled = {name: axis["ticktext"] for name, axis in grid.layout.to_plotly_json().items()
                if name.startswith(("xaxis", "yaxis")) and axis.get("showticklabels")}
    rows, cols = lab.kind_axes(state, "cross")
    assert sum(tuple(t) == tuple(cols) for t in labelled.values()) == state["heads"]   # the bottom row: key tokens
    assert sum(tuple(t) == tuple(rows) for t in labelled.values()) == state["layers"]  # the first column: queries
    step = lab.show_step(state, 1, 0, -1, None)[0]
    assert tuple(step.layout.xaxis.ticktext) == tuple(state["src"])
    assert "▁" not in "".join([*state["src"], *state["out"], *state["dec_in"]])
