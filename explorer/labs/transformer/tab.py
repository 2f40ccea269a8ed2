"""The Transformer lab: translate, then watch every attention head (Vaswani et al. 2017).

Models are the bundled folders in assets/models/transformer-* and the translation runs in the run
store, listed side by side. Pure helpers and figures live in explorer/labs/transformer/views.py.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.context import Context

from explorer.labs.transformer import figures, views
from explorer.labs.transformer.strings import KNIFE_SENTENCES
from explorer.serving import deployment
from explorer.serving.services import store
from explorer.shared import experiment_panel, reference_runs
from explorer.shared.i18n import language, t, text
from explorer.shared.plots import curves_figure
from train.recipes.translation import LECTURE
from train.text_data import CORPORA, UNK, load_corpus
from train.translation_task import TOKENIZER_FILE, TranslationConfig, Translator, corpus_bleu, load_bundle, load_run

MODELS_DIR = reference_runs.MODELS_DIR
MAX_CHARS = 400          # the bundled models were trained on captions of at most ~100 tokens
KINDS = ("encoder", "decoder", "cross")
EXAMPLES = {  # a sentence in the style each corpus teaches: captions, everyday sentences
    "multi30k-en-de": "A man in a blue shirt is playing the guitar on the street.",
    "tatoeba-en-zh": "She has been learning Chinese for three years.",
}



# -- models --------------------------------------------------------------------------------------------------
def model_choices() -> list[tuple[str, str]]:
    """(label, key) for every bundled model folder and every translation run with a checkpoint."""
    choices = [(reference_runs.bundled_label(folder), f"bundle:{folder.name}")
               for folder in sorted(MODELS_DIR.glob("transformer-*")) if (folder / "model.safetensors").exists()]
    for run in store().list_runs():
        if run.recipe == "translate" and store().checkpoints(run.id) and \
                (store().run_dir(run.id) / TOKENIZER_FILE).exists():
            choices.append((f"{run.title} · step {run.step} · {run.status}", f"run:{run.id}"))
    return choices


@functools.lru_cache(maxsize=4)
def _load(key: str, version: str) -> Translator:
    kind, name = key.split(":", 1)
    if kind == "bundle":
        return load_bundle(MODELS_DIR / Path(name).name)
    return load_run(store(), name)


def get_translator(key: str | None, lang: str) -> Translator:
    """The chosen model (cached; a run reloads when it has a newer checkpoint); gr.Error when none loads."""
    if not key:
        raise gr.Error(text("transformer.no_model", lang))
    try:
        version = str(store().checkpoints(key[4:])[-1:]) if key.startswith("run:") else ""
        return _load(key, version)
    except Exception as exc:  # a missing or half-written run, a corrupt file: say so, keep the app running
        raise gr.Error(text("transformer.load_failed", lang, error=str(exc)[:300])) from exc


@functools.lru_cache(maxsize=2)
def test_pairs(corpus: str) -> list[tuple[str, str]]:
    return load_corpus(corpus, offline=True).splits["test"][:KNIFE_SENTENCES]


def clean_source(raw: str | None, lang: str) -> tuple[str, list[str]]:
    """Stripped, truncated text and the notices to show; gr.Error for empty input."""
    source = (raw or "").strip()
    if not source:
        raise gr.Error(text("transformer.empty", lang))
    notices = []
    if len(source) > MAX_CHARS:
        source = source[:MAX_CHARS]
        notices.append(text("transformer.truncated", lang, n=MAX_CHARS))
    return source, notices


# -- handlers -----------------------------------------------------------------------------------------------
def translate(key, raw, beam, request: gr.Request, progress=gr.Progress()):
    lang = language(request)
    source, notices = clean_source(raw, lang)
    progress(0.2, desc="loading model")
    translator = get_translator(key, lang)
    progress(0.5, desc="translating")
    result, maps = views.translate_with_maps(translator, source, _clamp(beam, 1, 4))
    unknown = result.source_ids.count(UNK)
    if unknown:
        notices.append(text("transformer.unknown", lang, n=unknown))
    for notice in notices:
        gr.Warning(notice)
    state = {"key": key, "source_ids": result.source_ids, "output_ids": result.output_ids, "maps": maps,
             "src": views.display_tokens(translator.tokens(result.source_ids)),
             "dec_in": views.display_tokens(["<s>", *translator.tokens(result.output_ids)]),
             "out": views.display_tokens([*translator.tokens(result.output_ids), "</s>"]),
             "layers": maps["cross"].shape[0], "heads": maps["cross"].shape[1]}
    steps = len(state["out"])
    heads = [(text("transformer.mean", lang), -1)] + [(f"H{h + 1}", h) for h in range(state["heads"])]
    layers = [(f"L{i + 1}", i) for i in range(state["layers"])]
    focus = [(text("transformer.all_tokens", lang), -1)] + [(f"{i}: {tok}", i) for i, tok in enumerate(state["src"])]
    knife = [gr.CheckboxGroup(choices=views.head_labels(kind, state["layers"], state["heads"]), value=[])
             for kind in KINDS]
    return (result.text, state, gr.Slider(1, steps, value=1, step=1),
            gr.Dropdown(choices=layers, value=state["layers"] - 1), gr.Dropdown(choices=heads, value=-1),
            gr.Dropdown(choices=layers, value=0), gr.Dropdown(choices=focus, value=-1), *knife)


def _need(state: dict | None, lang: str) -> dict:
    if not state:
        raise gr.Error(text("transformer.translate_first", lang))
    return state


def _kind(kind, lang: str) -> str:
    if not isinstance(kind, str) or kind not in KINDS:
        raise gr.Error(text("transformer.choose", lang))
    return kind


def _clamp(value, low: int, high: int) -> int:
    """A whole number in [low, high] from a slider or dropdown value; anything unreadable becomes low."""
    try:
        return min(max(int(value), low), high)
    except (TypeError, ValueError, OverflowError):
        return low


def kind_name(kind: str, lang: str) -> str:
    return text(f"transformer.kind_{kind}", lang)


def kind_axes(state: dict, kind: str) -> tuple[list[str], list[str]]:
    rows = {"encoder": state["src"], "decoder": state["dec_in"], "cross": state["out"]}[kind]
    return rows, state["dec_in"] if kind == "decoder" else state["src"]


def show_step(state, step, layer, head, request: gr.Request):
    lang = language(request)
    if not state:
        return None, None, ""
    step, layer = _clamp(step, 1, len(state["out"])) - 1, _clamp(layer, 0, state["layers"] - 1)
    head = None if head in (None, -1) else _clamp(head, 0, state["heads"] - 1)
    cross = state["maps"]["cross"]
    head_name = text("transformer.mean", lang) if head is None else f"H{head + 1}"
    token = state["out"][step]
    row = None if head is None else cross[layer, head, step]
    step_fig = figures.make_step_figure(row, cross[layer].mean(0)[step], state["src"],
                                      text("transformer.step_title", lang, step=step + 1, token=token),
                                      head_name, text("transformer.mean", lang))
    map_fig = figures.make_heatmap_figure(views.head_or_mean(cross, layer, head), state["out"], state["src"],
                                        text("transformer.map_title", lang, layer=layer + 1, head=head_name),
                                        highlight_row=step)
    partial = " ".join(state["out"][: step + 1])
    return step_fig, map_fig, f"**{partial}**"


def show_grid(state, kind, request: gr.Request):
    lang = language(request)
    state = _need(state, lang)
    rows, cols = kind_axes(state, _kind(kind, lang))
    return figures.make_grid_figure(state["maps"][kind], rows, cols,
                                  text("transformer.grid_title", lang, kind=kind_name(kind, lang)),
                                  causal=kind == "decoder")


def show_head_view(state, kind, layer, focus, request: gr.Request):
    lang = language(request)
    state = _need(state, lang)
    rows, cols = kind_axes(state, _kind(kind, lang))
    layer = _clamp(layer, 0, state["layers"] - 1)
    focus = _clamp(focus, -1, len(rows) - 1)
    focus = None if focus < 0 else focus
    return figures.make_head_view_figure(state["maps"][kind][layer], rows, cols,
                                       text("transformer.head_view_title", lang, kind=kind_name(kind, lang),
                                            layer=layer + 1), focus)


def knife(state, raw, off_enc, off_dec, off_cross, request: gr.Request, progress=gr.Progress()):
    lang = language(request)
    state = _need(state, lang)
    translator = get_translator(state["key"], lang)
    source, _ = clean_source(raw, lang)
    labels = {label for kind in KINDS for label in views.head_labels(kind, state["layers"], state["heads"])}
    off = [label for label in [*(off_enc or []), *(off_dec or []), *(off_cross or [])]
           if isinstance(label, str) and label in labels]
    gates = views.head_gates(off, state["layers"], state["heads"])
    progress(0.1, desc="translating with heads off")
    [new_text] = views.translations(translator, [source], gates)
    pairs = test_pairs(translator.info.get("corpus", "multi30k-en-de"))
    sources, refs = [s for s, _ in pairs], [r for _, r in pairs]
    tgt_lang = translator.info.get("tgt_lang", "de")
    progress(0.3, desc=f"BLEU on {len(pairs)} test sentences, all heads")
    before = corpus_bleu(views.translations(translator, sources), refs, tgt_lang)
    progress(0.65, desc=f"BLEU on {len(pairs)} test sentences, {len(off)} heads off")
    after = corpus_bleu(views.translations(translator, sources, gates), refs, tgt_lang)
    return new_text, text("transformer.knife_result", lang, n=len(pairs), before=before, after=after, off=len(off),
                          delta=after - before)


def attribute(state, step, request: gr.Request, progress=gr.Progress()):
    lang = language(request)
    state = _need(state, lang)
    translator = get_translator(state["key"], lang)
    step = _clamp(step, 1, len(state["out"])) - 1
    progress(0.2, desc="integrated gradients")
    scores = views.attribution(translator.model, state["source_ids"], state["output_ids"], step)
    attention = state["maps"]["cross"][:, :, step].mean((0, 1))
    return figures.make_attribution_figure(attention, scores, state["src"],
                                         text("transformer.attr_title", lang, token=state["out"][step]),
                                         (text("transformer.attention", lang), text("transformer.attribution", lang)))


def paper_views(key, request: gr.Request):
    lang = language(request)
    if not key:
        return None, None, ""
    translator = get_translator(key, lang)
    cfg = translator.model.cfg
    train = run_settings(key, translator)
    steps, lrs = views.lr_curve(cfg.d_model, train["warmup_steps"], train["lr"], train["steps"])
    sizes = views.model_sizes(cfg)
    rows = "\n".join(f"| {name} | {n / 1e6:.2f} M | {mb:.0f} MB |" for name, (n, mb) in sizes.items())
    return (figures.make_positional_figure(100, cfg.d_model, text("transformer.pe_title", lang)),
            figures.make_lr_figure(steps, lrs, text("transformer.lr_title", lang, d=cfg.d_model,
                                                  w=train["warmup_steps"]), train["warmup_steps"]),
            text("transformer.sizes", lang, rows=rows))


def run_settings(key: str, translator: Translator) -> dict[str, Any]:
    """Training settings of the model: a run's config, or the recipe a bundle records."""
    if key.startswith("run:"):
        return store().get(key[4:]).config
    return {**TranslationConfig().to_dict(), **translator.info.get("train", {})}


def translate_once(key, raw, beam, state, request: gr.Request, progress=gr.Progress()):
    """The first visit translates the sentence in the box, so the attention views open filled; later visits keep
    whatever the user translated."""
    if state or not key or not (isinstance(raw, str) and raw.strip()):
        return (gr.skip(),) * (7 + len(KINDS))
    return translate(key, raw, beam, request, progress)


def model_info(key, request: gr.Request):
    lang = language(request)
    if not key:
        return text("transformer.no_model", lang), None
    translator = get_translator(key, lang)
    info = translator.info
    bleu = next((f"{info[k]:.1f}" for k in ("test_bleu", "val_bleu") if k in info), "–")
    cfg = translator.model.cfg
    summary = (f"**{info.get('corpus', '?')}** · N={cfg.n_layers}, d_model={cfg.d_model}, h={cfg.n_heads}, "
               f"d_ff={cfg.d_ff} · steps {info.get('steps', '?')} · BLEU {bleu}")
    return summary, curves(key, lang)


def curves(key: str, lang: str):
    """The chosen model's training curves: a run's, or the metrics.csv a bundled model ships with."""
    kind, _, name = (key or "").partition(":")
    bundled = MODELS_DIR / Path(name).name / "metrics.csv"
    if kind == "run":
        metrics = store().metrics(name)
    elif kind == "bundle" and name and bundled.exists():
        metrics = reference_runs.read_curves(bundled)
    else:
        return None
    return curves_figure([("", metrics)], ["loss", "val_loss", "bleu"],
                         title=text("transformer.curves_title", lang), x_title=text("common.iteration", lang),
                         dashes={"val_loss": "dash", "bleu": "dot"})


def poll(key, last_step, request: gr.Request):
    """Timer: redraw the curves only when the selected run logged a new step."""
    if not key or not key.startswith("run:"):
        return gr.skip(), last_step
    step = store().last_step(key[4:])
    if step == last_step:
        return gr.skip(), last_step
    return curves(key, language(request)), step


def refresh(key):
    choices = model_choices()
    keys = [k for _, k in choices]
    return gr.Dropdown(choices=choices, value=key if key in keys else (keys[0] if keys else None))


def model_for_language(request: gr.Request):
    """On page load: a Chinese page opens on the first bundled translator into Chinese, where there is one."""
    if language(request) != "zh":
        return gr.skip()
    for folder in sorted(MODELS_DIR.glob("transformer-*/config.json")):
        if json.loads(folder.read_text()).get("tgt_lang") == "zh" and (folder.parent / "model.safetensors").exists():
            return f"bundle:{folder.parent.name}"
    return gr.skip()


def example_for(key, current, request: gr.Request):
    """The chosen model's example sentence in place of another model's; a sentence the user wrote stays."""
    if not key or (isinstance(current, str) and current.strip() and current.strip() not in EXAMPLES.values()):
        return gr.skip()
    return EXAMPLES.get(get_translator(key, language(request)).info.get("corpus")) or gr.skip()


def train_lecture(corpus, request: gr.Request):
    lang = language(request)
    if not isinstance(corpus, str) or corpus not in CORPORA:
        raise gr.Error(text("transformer.choose", lang))
    cfg = TranslationConfig(**LECTURE, corpus=corpus)
    [run_id] = deployment.submit(request, "translate", "lecture", [(f"{corpus} lecture", cfg.to_dict())])
    gr.Info(text("transformer.submitted", lang, run=run_id))


# -- layout ---------------------------------------------------------------------------------------------------
def build() -> None:
    choices = model_choices()
    state = gr.State(None)
    gr.Markdown(t("transformer.intro"))
    with gr.Row():
        model = gr.Dropdown(choices=choices, value=choices[0][1] if choices else None, label=t("transformer.model"),
                            scale=4)
        refresh_btn = gr.Button(t("transformer.refresh"), scale=1)
    info = gr.Markdown()
    with gr.Row():
        source = gr.Textbox(value=EXAMPLES["multi30k-en-de"],
                            label=t("transformer.source"), lines=2, scale=4)
        with gr.Column(scale=1):
            beam = gr.Slider(1, 4, value=1, step=1, label=t("transformer.beam"))
            go_btn = gr.Button(t("transformer.translate"), variant="primary")
    output = gr.Textbox(label=t("transformer.output"), interactive=False, elem_id="transformer-output")
    with gr.Tabs():
        with gr.Tab(t("transformer.step_tab"), elem_id="transformer-eq1"):
            with gr.Row():
                step = gr.Slider(1, 2, value=1, step=1, label=t("transformer.step"), scale=3)
                layer = gr.Dropdown(choices=[], label=t("transformer.layer"), scale=1)
                head = gr.Dropdown(choices=[], label=t("transformer.head"), scale=1)
            partial = gr.Markdown()
            with gr.Row():
                step_plot, map_plot = gr.Plot(), gr.Plot()
        with gr.Tab(t("transformer.grid_tab"), elem_id="transformer-fig2"):
            kind_choices = [(t(f"transformer.kind_{k}"), k) for k in KINDS]
            grid_kind = gr.Radio(kind_choices, value="cross", label=t("transformer.kind"))
            grid_plot = gr.Plot(elem_id="transformer-all-heads")
        with gr.Tab(t("transformer.head_view_tab"), elem_id="transformer-fig3"):
            with gr.Row():
                hv_kind = gr.Radio(kind_choices, value="cross", label=t("transformer.kind"))
                hv_layer = gr.Dropdown(choices=[], label=t("transformer.layer"))
                hv_focus = gr.Dropdown(choices=[], label=t("transformer.focus"))
            hv_plot = gr.Plot()
        with gr.Tab(t("transformer.knife_tab"), elem_id="transformer-table3"):
            gr.Markdown(t("transformer.knife_help"))
            off = [gr.CheckboxGroup(choices=[], label=t(f"transformer.kind_{k}")) for k in KINDS]
            knife_btn = gr.Button(t("transformer.knife_run"))
            knife_out = gr.Textbox(label=t("transformer.output"), interactive=False)
            knife_bleu = gr.Markdown()
        with gr.Tab(t("transformer.attr_tab")):
            gr.Markdown(t("transformer.attr_help"))
            attr_btn = gr.Button(t("transformer.attr_run"))
            attr_plot = gr.Plot()
        with gr.Tab(t("transformer.paper_tab"), elem_id="transformer-fig1"):
            with gr.Row():
                pe_plot, lr_plot = gr.Plot(), gr.Plot(elem_id="transformer-eq3")
            sizes = gr.Markdown(elem_id="transformer-eq2")
        with gr.Tab(t("transformer.train_tab"), elem_id="transformer-table2"):
            curves_plot = gr.Plot()
            with gr.Row():
                corpus = gr.Dropdown(list(CORPORA), value="multi30k-en-de", label=t("transformer.corpus"))
                train_btn = gr.Button(t("transformer.train"))

    # -- wiring --
    translated_outputs = [output, state, step, layer, head, hv_layer, hv_focus, *off]
    head_view_inputs = [state, hv_kind, hv_layer, hv_focus]
    translations = [gr.on([go_btn.click, source.submit], translate, [model, source, beam], translated_outputs)]
    if isinstance(lab := Context.block, gr.Tab):  # in the app, this lab's tab: opening it translates the example
        translations.append(lab.select(translate_once, [model, source, beam, state], translated_outputs))
    for translated in translations:
        translated.then(show_grid, [state, grid_kind], grid_plot).then(show_head_view, head_view_inputs, hv_plot)
    gr.on([state.change, step.change, layer.change, head.change], show_step, [state, step, layer, head],
          [step_plot, map_plot, partial], show_progress="hidden")
    grid_kind.change(show_grid, [state, grid_kind], grid_plot)
    gr.on([hv_kind.change, hv_layer.change, hv_focus.change], show_head_view, head_view_inputs, hv_plot,
          show_progress="hidden")
    knife_btn.click(knife, [state, source, *off], [knife_out, knife_bleu])
    attr_btn.click(attribute, [state, step], attr_plot)
    refresh_btn.click(refresh, model, model)
    Context.root_block.load(model_for_language, None, model)
    model.change(example_for, [model, source], source)
    gr.on([model.change, Context.root_block.load], model_info, model, [info, curves_plot]).then(
        paper_views, model, [pe_plot, lr_plot, sizes])
    experiment_panel.poll(poll, [model], [curves_plot], every=5.0, seen=-1, starts=[train_btn.click, model.input])
    train_btn.click(train_lecture, corpus, None)


def demo() -> gr.Blocks:
    """This tab alone, for tests and screenshots: `python -m explorer.labs.transformer.tab`."""
    with gr.Blocks() as blocks:
        build()
    return blocks


if __name__ == "__main__":
    from explorer.shared.i18n import build_i18n
    demo().launch(server_port=7875, i18n=build_i18n())
