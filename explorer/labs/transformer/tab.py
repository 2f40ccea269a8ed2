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

from explorer.labs.transformer import figures, views
from explorer.labs.transformer.strings import KNIFE_SENTENCES
from explorer.serving import deployment
from explorer.serving.services import store
from explorer.shared import experiment_panel, layout, reference_runs, run_text
from explorer.shared.i18n import all_strings, error, inform, language, t, text, warn
from explorer.shared.plots import curves_figure
from models.transformer import PAPER_ALPHA
from train.recipes import experiment_configs
from train.recipes.translation import LECTURE
from train.text_data import CORPORA, UNK, load_corpus
from train.translation_task import TOKENIZER_FILE, Translation, TranslationConfig, Translator, corpus_bleu, load_bundle, load_run

MODELS_DIR = reference_runs.MODELS_DIR
MAX_CHARS = 400          # the bundled models were trained on captions of at most ~100 tokens
N_EXAMPLES = 3           # in-domain sentences offered under the input
TRANSLATIONS_KEPT = 64   # translations remembered, with their maps (0.1 MB for a caption, 5 MB at 128 tokens)
KINDS = ("encoder", "decoder", "cross")
EXAMPLES = {  # a sentence in the style each corpus teaches: captions, everyday sentences
    "multi30k-en-de": "A man in a blue shirt is playing the guitar on the street.",
    "tatoeba-en-zh": "She has been learning Chinese for three years.",
}



# -- models --------------------------------------------------------------------------------------------------
def model_choices(arch: str = "transformer", lang: str = "en") -> list[tuple[str, str]]:
    """(label, key) for every bundled model folder and every translation run with a checkpoint, of one architecture
    (transformer-* or rnnsearch-* folders; `translate` runs, and `seq2seq` runs by their config's arch)."""
    choices = [(reference_runs.bundled_label(folder, lang), f"bundle:{folder.name}")
               for folder in sorted(MODELS_DIR.glob(f"{arch}-*")) if (folder / "model.safetensors").exists()]
    for run in store().list_runs():
        run_arch = run.config.get("arch", "transformer") if run.recipe == "seq2seq" else "transformer"
        if run.recipe in ("translate", "seq2seq") and run_arch == arch and store().checkpoints(run.id) and \
                (store().run_dir(run.id) / TOKENIZER_FILE).exists():
            choices.append((text("transformer.run_choice", lang, title=run.title, step=run.step,
                                 status=run_text.status(run.status, lang)), f"run:{run.id}"))
    return choices


@functools.lru_cache(maxsize=4)
def _load(key: str, version: str) -> Translator:
    kind, name = key.split(":", 1)
    if kind == "bundle":
        return load_bundle(MODELS_DIR / Path(name).name)
    return load_run(store(), name)


def weights_version(key: str) -> str:
    """Which weights a model key stands for now: a run's newest checkpoint ('' for a bundle, which never changes)."""
    return str(store().checkpoints(key[4:])[-1:]) if key.startswith("run:") else ""


def get_translator(key: str | None, lang: str) -> Translator:
    """The chosen model (cached; a run reloads when it has a newer checkpoint); gr.Error when none loads."""
    if not key:
        raise error("transformer.no_model", lang)
    try:
        return _load(key, weights_version(key))
    except Exception as exc:  # a missing or half-written run, a corrupt file: say so, keep the app running
        raise error("transformer.load_failed", lang, error=str(exc)[:300]) from exc


@functools.lru_cache(maxsize=TRANSLATIONS_KEPT)
def translated(key: str, version: str, source: str, beam: int) -> tuple[Translation, dict]:
    """views.translate_with_maps by the weights (key, version), remembered: a lecture hall translates the same few
    sentences (opening the lab translates the example in the box). Its maps are read-only, so the sessions that
    keep them in their state share one copy."""
    result, maps = views.translate_with_maps(_load(key, version), source, beam)
    for weights in maps.values():
        weights.setflags(write=False)
    return result, maps


@functools.lru_cache(maxsize=2)
def test_pairs(corpus: str) -> list[tuple[str, str]]:
    return load_corpus(corpus, offline=True).splits["test"][:KNIFE_SENTENCES]


@functools.lru_cache(maxsize=2)
def corpus_card(corpus: str) -> tuple[int, tuple[str, ...]]:
    """A corpus's number of training pairs and N_EXAMPLES sentences of its held-out test split (bundled in
    assets/text)."""
    splits = load_corpus(corpus, offline=True).splits
    return len(splits["train"]), tuple(views.in_domain_examples(splits["test"], N_EXAMPLES))


def refusal(source: str, translator: Translator, lang: str) -> str:
    """The note shown instead of a translation where the text is already in the model's target language ("" where it
    reads as English): issue 31, the Chinese model answered Chinese input with nonsense. On the bundled test sets
    views.in_target_language refuses 0 of 1,000 English sentences and catches 957 of 1,000 German and all 1,000
    Chinese references."""
    target = translator.info.get("tgt_lang")
    if not views.in_target_language(source, target):
        return ""
    return text("transformer.in_target", lang, target=text(f"transformer.lang_{target}", lang))


def clean_source(raw: str | None, lang: str) -> tuple[str, list[str]]:
    """Stripped, truncated text and the notices to show, as (key, values); an error for empty input."""
    source = (raw or "").strip()
    if not source:
        raise error("transformer.empty", lang)
    notices = []
    if len(source) > MAX_CHARS:
        source = source[:MAX_CHARS]
        notices.append(("transformer.truncated", {"n": MAX_CHARS}))
    return source, notices


# -- handlers -----------------------------------------------------------------------------------------------
def translate(key, raw, beam, request: gr.Request, progress=gr.Progress()):
    lang = language(request)
    source, notices = clean_source(raw, lang)
    progress(0.2, desc="loading model")
    translator = get_translator(key, lang)
    if note := refusal(source, translator, lang):  # not translated: every view keeps what it shows
        return (gr.skip(),) * (7 + len(KINDS)) + (note,)
    progress(0.5, desc="translating")
    result, maps = translated(key, weights_version(key), source, _clamp(beam, 1, 4))
    unknown = result.source_ids.count(UNK)
    if unknown:
        notices.append(("transformer.unknown", {"n": unknown}))
    for key, values in notices:
        warn(key, lang, **values)
    state = {"key": key, "source_ids": result.source_ids, "output_ids": result.output_ids, "maps": maps,
             "src": views.display_tokens(translator.tokens(result.source_ids)),
             "dec_in": views.display_tokens(["<s>", *translator.tokens(result.output_ids)]),
             "out": views.display_tokens([*translator.tokens(result.output_ids), "</s>"]),
             "layers": maps["cross"].shape[0], "heads": maps["cross"].shape[1]}
    steps = len(state["out"])
    heads = [(text("transformer.mean", lang), -1)] + [(f"H{h + 1}", h) for h in range(state["heads"])]
    layers = [(f"L{i + 1}", i) for i in range(state["layers"])]
    focus = [(text("transformer.all_tokens", lang), -1)] + [(f"{i}: {tok}", i) for i, tok in enumerate(state["src"])]
    knife = [gr.CheckboxGroup(choices=[(text(f"transformer.knife_{kind}", lang) + label.removeprefix(kind), label)
                                       for label in views.head_labels(kind, state["layers"], state["heads"])], value=[])
             for kind in KINDS]
    return (result.text, state, gr.Slider(1, steps, value=1, step=1),
            gr.Dropdown(choices=layers, value=state["layers"] - 1), gr.Dropdown(choices=heads, value=-1),
            gr.Dropdown(choices=layers, value=0), gr.Dropdown(choices=focus, value=-1), *knife, "")


def _need(state: dict | None, lang: str) -> dict:
    if not state:
        raise error("transformer.translate_first", lang)
    return state


def _kind(kind, lang: str) -> str:
    if not isinstance(kind, str) or kind not in KINDS:
        raise error("transformer.choose", lang)
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
                                      head_name, text("transformer.mean", lang), lang)
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
    if note := refusal(source, translator, lang):
        return gr.skip(), note
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
                                         (text("transformer.attention", lang), text("transformer.attribution", lang)),
                                         lang)


def paper_views(key, request: gr.Request):
    lang = language(request)
    if not key:
        return None, None, ""
    translator = get_translator(key, lang)
    cfg = translator.model.cfg
    train = run_settings(key, translator)
    steps, lrs = views.lr_curve(cfg.d_model, train["warmup_steps"], train["lr"], train["steps"])
    sizes = views.model_sizes(cfg)
    rows = "\n".join(f"| {text('transformer.size_' + name.split()[0], lang)} | {n / 1e6:.2f} M | {mb:.0f} MB |"
                     for name, (n, mb) in sizes.items())  # "this model", "base (paper: 65M)", "big (...)"
    return (figures.make_positional_figure(100, cfg.d_model, text("transformer.pe_title", lang), lang),
            figures.make_lr_figure(steps, lrs, text("transformer.lr_title", lang, d=cfg.d_model,
                                                  w=train["warmup_steps"]), train["warmup_steps"], lang),
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
        return (gr.skip(),) * (8 + len(KINDS))
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
               f"d_ff={cfg.d_ff} · {text('transformer.info_steps', lang, steps=info.get('steps', '?'))} · BLEU {bleu}")
    return f"{summary}\n\n{model_note(key, info, lang)}", curves(key, lang)


def trained_on(key, request: gr.Request):
    """Under the input: what the chosen model was trained on (data set, domain, training pairs) and N_EXAMPLES
    sentences of its held-out test set, as buttons; nothing for a corpus the app does not know."""
    lang = language(request)
    corpus = get_translator(key, lang).info.get("corpus") if key else None
    if corpus not in CORPORA:
        return "", *[gr.Button(visible=False)] * N_EXAMPLES
    pairs, examples = corpus_card(corpus)
    buttons = [gr.Button(value=sentence, visible=True) for sentence in examples]
    return (text(f"transformer.trained_on_{corpus}", lang, n=pairs),
            *buttons, *[gr.Button(visible=False)] * (N_EXAMPLES - len(buttons)))


def model_note(key: str, info: dict[str, Any], lang: str) -> str:
    """What a bundled model was trained on and what it measures (its model card's numbers), and the beam used here."""
    note = f"transformer.note_{key.removeprefix('bundle:')}"
    return " ".join(([text(note, lang)] if key.startswith("bundle:") and note in all_strings() else [])
                    + [beam_note(info, lang)])


def beam_note(info: dict[str, Any], lang: str) -> str:
    """Sec. 6.1's beam and the model's length penalty: the paper's 0.6, or the one its validation set chose."""
    alpha, chosen = info.get("beam_alpha", PAPER_ALPHA), info.get("beam_alpha_val_bleu", {})
    if alpha == PAPER_ALPHA or str(PAPER_ALPHA) not in chosen:
        return text("transformer.beam_note", lang, alpha=alpha)
    return text("transformer.beam_note_chosen", lang, alpha=alpha, bleu=chosen[str(alpha)],
                paper=chosen[str(PAPER_ALPHA)])


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
                         dashes={"val_loss": "dash", "bleu": "dot"},
                         tags={name: text(f"transformer.curve_{name}", lang) for name in ("loss", "val_loss", "bleu")})


def poll(key, last_step, request: gr.Request):
    """Timer: redraw the curves only when the selected run logged a new step."""
    if not key or not key.startswith("run:"):
        return gr.skip(), last_step
    step = store().last_step(key[4:])
    if step == last_step:
        return gr.skip(), last_step
    return curves(key, language(request)), step


def refresh(key, request: gr.Request | None = None):
    choices = model_choices(lang=language(request))
    keys = [k for _, k in choices]
    return gr.Dropdown(choices=choices, value=key if key in keys else (keys[0] if keys else None))


def model_for_language(request: gr.Request):
    """When the lab is first opened: a Chinese page opens on the first bundled translator into Chinese, where there is
    one, with its example sentence, and lists the models in Chinese."""
    if language(request) != "zh":
        return gr.skip(), gr.skip()
    for folder in sorted(MODELS_DIR.glob("transformer-*/config.json")):
        config = json.loads(folder.read_text())
        if config.get("tgt_lang") == "zh" and (folder.parent / "model.safetensors").exists():
            return (gr.update(choices=model_choices(lang="zh"), value=f"bundle:{folder.parent.name}"),
                    EXAMPLES.get(config.get("corpus")) or gr.skip())
    return gr.update(choices=model_choices(lang="zh")), gr.skip()


def example_for(key, current, request: gr.Request):
    """The chosen model's example sentence in place of another model's; a sentence the user wrote stays."""
    if not key or (isinstance(current, str) and current.strip() and current.strip() not in EXAMPLES.values()):
        return gr.skip()
    return EXAMPLES.get(get_translator(key, language(request)).info.get("corpus")) or gr.skip()


def train_lecture(corpus, request: gr.Request):
    lang = language(request)
    if not isinstance(corpus, str) or corpus not in CORPORA:
        raise error("transformer.choose", lang)
    cfg = TranslationConfig(**LECTURE, corpus=corpus)
    [run_id] = deployment.submit(request, "translate", "lecture", [(f"{corpus} lecture", cfg.to_dict())])
    inform("transformer.submitted", lang, run=run_id)


# -- attention against recurrence (Tables 1-2) ----------------------------------------------------------------
MAX_PATH_WORDS = 16      # the path-length maps stay readable
DE_TRANSFORMER = "bundle:transformer-en-de"


def recurrence_configs(experiment: str, preset: str, data: str, setting, lang: str) -> list[tuple[str, dict]]:
    """experiment_panel's configs: both models of the experiment with the preset, on the corpus chosen."""
    if data not in RECURRENCE_DATA:
        raise error("transformer.choose", lang)
    return [(label, cfg.to_dict()) for label, cfg in experiment_configs(experiment, preset, corpus=data)]


def draw_recurrence(experiment: str, group_id: str | None, live: list, reference: list, lang: str):
    """experiment_panel's draw: the bundled runs (solid) beside the chosen group's (dashed), and where each ends."""
    bundled = views.recurrence_runs()
    series = ([(label, curves, "solid") for label, _, curves in bundled]
              + [(f"{label} ({text('transformer.yours', lang)})", curves, "dash") for label, _, curves in live])
    if not series:
        return None, ""
    axes = {name: text(f"transformer.cost_{name}", lang) for name in ("minutes", "flops", "bleu", "loss")}
    figure = figures.make_cost_figure(series, text("transformer.cost_title", lang), axes, lang)
    return figure, "\n\n".join(part for part in (cost_notes(bundled, lang), cost_notes(live, lang, mine=True)) if part)


def cost_notes(runs: list, lang: str, mine: bool = False) -> str:
    """Where each run ends (BLEU, minutes, FLOPs), and when the Transformer passed RNNsearch's final BLEU."""
    ends = views.quality_at_cost(runs)
    if not ends:
        return ""
    tag = f" ({text('transformer.yours', lang)})" if mine else ""
    rows = [f"| {label}{tag} | {end['bleu']:.2f} | {end['minutes']:.1f} | {end['flops']:.3g} | {end['step']:,} |"
            for label, end in ends.items()]
    lines = [text("transformer.cost_columns", lang), *rows]
    curves = {label: c for label, _, c in runs}
    if {"Transformer", "RNNsearch"} <= ends.keys():
        first, second = ends["Transformer"], ends["RNNsearch"]
        passed = views.minutes_to_reach(curves["Transformer"], second["bleu"])
        if passed is None:
            lines += ["", text("transformer.cost_not_passed", lang, first="Transformer", second="RNNsearch",
                                bleu=second["bleu"])]
        else:
            ratio = (first["flops"] / first["minutes"]) / (second["flops"] / second["minutes"])
            lines += ["", text("transformer.cost_verdict", lang, first="Transformer", second="RNNsearch",
                                bleu=second["bleu"], minutes=passed, total=second["minutes"], ratio=ratio)]
        same_flops = views.bleu_at(curves["Transformer"], "flops", second["flops"])
        if same_flops is not None:
            lines.append(" " + text("transformer.cost_same_flops", lang, flops=second["flops"], bleu=same_flops,
                                    other=second["bleu"]))
    return "\n".join(lines)


def show_timing(live: list | None, request: gr.Request):
    """Table 1 measured: the bundled H200 timing, and this machine's where it was measured; the formulas beside."""
    lang = language(request)
    tables = [(text("transformer.timing_h200", lang), views.read_timing()),
              (text("transformer.timing_here", lang), views.timing_rows(live))]
    tables = [(name, rows) for name, rows in tables if rows]
    figure = figures.make_timing_figure(tables, text("transformer.timing_title", lang),
                                        (text("transformer.timing_step", lang), text("transformer.timing_encode", lang)),
                                        lang)
    return (figure if tables else None), table1_markdown(tables, lang)


def table1_markdown(tables: list, lang: str) -> str:
    """Table 1's rows for the two models, with each machine's measured slope (ms per token of a training step)."""
    slopes = [(name, views.timing_slopes(rows)) for name, rows in tables]
    rows = []
    for model, cells in views.TABLE1.items():
        measured = " · ".join(f"{s[f'train_step_ms_slope_{model.lower()}']:.3f}" if s else "–" for _, s in slopes)
        rows.append(f"| {model} | {' | '.join(cells)} | {measured or '–'} |")
    machines = f"{text('transformer.slope', lang)}: {' · '.join(name for name, _ in slopes)}"
    ratios = [f"{name}: " + (text("transformer.ratio", lang, ratio=s["train_step_ms_slope_ratio"])
                             if s.get("train_step_ms_slope_transformer", 0) > 0 else text("transformer.flat", lang))
              for name, s in slopes if s]
    return "\n\n".join([text("transformer.table1", lang, machines=machines, rows="\n".join(rows)), *ratios])


def measure_live(request: gr.Request, progress=gr.Progress()):
    """The button: Table 1 measured on this machine's CPU at small settings, drawn beside the H200's."""
    progress(0.1, desc="timing both models at n = 8 to 64")
    live = views.measure_timing()
    return (live, *show_timing(live, request))


def show_paths(sentence, transformer_key, rnn_key, request: gr.Request, progress=gr.Progress()):
    """The path-length maps of the sentence's words, and each model's cross-attention as it translates it."""
    lang = language(request)
    source, _ = clean_source(sentence, lang)
    words = views.display_tokens(source.split()[:MAX_PATH_WORDS])
    paths = figures.make_path_figure(views.path_lengths(len(words)), words, text("transformer.path_title", lang))
    maps, notes = [], []
    progress(0.3, desc="translating with each model")
    for name, key, missing in ((text("transformer.align_transformer", lang), transformer_key, "no_translator"),
                               ("RNNsearch", rnn_key, "rnnsearch_missing")):
        if not key:
            notes.append(text(f"transformer.{missing}", lang))
            continue
        translator = get_translator(key, lang)
        result, weights = views.alignment(translator, source)
        maps.append((name, weights, views.display_tokens([*translator.tokens(result.output_ids), "</s>"]),
                     views.display_tokens(translator.tokens(result.source_ids))))
    alignment = figures.make_alignment_figure(maps, text("transformer.align_title", lang)) if maps else None
    return paths, alignment, "\n\n".join(notes)


def default_key(choices: list[tuple[str, str]], preferred: str | None = None) -> str | None:
    keys = [key for _, key in choices]
    return preferred if preferred in keys else (keys[0] if keys else None)


RECURRENCE_DATA = ("multi30k-en-de",)  # the corpus both bundled runs trained on
RECURRENCE_LAB = experiment_panel.Lab("seq2seq", recurrence_configs, draw_recurrence, data_choices=RECURRENCE_DATA)


def recurrence_tab() -> None:
    """The sub-tab: quality against cost (Table 2), sequential operations (Table 1), path length and alignments
    (translated when the sub-tab opens, not on every page load)."""
    gr.Markdown(t("transformer.recurrence_intro"))
    with gr.Column(elem_id="transformer-table2"):
        gr.Markdown(t("transformer.cost_head"))
        experiment_panel.panel(RECURRENCE_LAB, views.RECURRENCE, notes_id="transformer-cost-notes")
    with gr.Column(elem_id="transformer-table1"):
        gr.Markdown(t("transformer.timing_head"))
        measure_btn = gr.Button(t("transformer.timing_measure"))
        timing_plot = gr.Plot(elem_id="transformer-timing")
        table1 = gr.Markdown(elem_id="transformer-table1-formulas")
    live = gr.State(None)
    with gr.Column(elem_id="transformer-paths"):
        gr.Markdown(t("transformer.path_head"))
        with gr.Row():
            sentence = gr.Textbox(value=EXAMPLES["multi30k-en-de"], label=t("transformer.path_sentence"), scale=3)
            attention_choices, rnn_choices = model_choices(), model_choices("rnnsearch")
            transformer = gr.Dropdown(attention_choices, value=default_key(attention_choices, DE_TRANSFORMER),
                                      label="Transformer", scale=1)
            rnn = gr.Dropdown(rnn_choices, value=default_key(rnn_choices), label="RNNsearch", scale=1)
        show_btn = gr.Button(t("transformer.path_show"), variant="primary")
        path_plot = gr.Plot(elem_id="transformer-path-length")
        align_plot = gr.Plot(elem_id="transformer-alignments")
        align_note = gr.Markdown()
    shown = layout.on_screen()
    gr.on(shown, show_timing, [live], [timing_plot, table1])
    measure_btn.click(measure_live, None, [live, timing_plot, table1])
    gr.on([shown, show_btn.click, sentence.submit], show_paths, [sentence, transformer, rnn], [path_plot, align_plot, align_note])


# -- layout ---------------------------------------------------------------------------------------------------
def build() -> None:
    choices = model_choices()
    state = gr.State(None)
    with layout.tabs():
        with gr.Tab(t("transformer.step_tab"), elem_id="transformer-eq1"):
            with gr.Row():  # the attention map first: its rows are the target tokens, readable on a projector
                map_plot = gr.Plot(elem_classes=layout.FIGURE, scale=3)
                step_plot = gr.Plot(scale=2)
            with gr.Row():
                step = gr.Slider(1, 2, value=1, step=1, label=t("transformer.step"), scale=3)
                layer = gr.Dropdown(choices=[], label=t("transformer.layer"), scale=1)
                head = gr.Dropdown(choices=[], label=t("transformer.head"), scale=1)
            partial = gr.Markdown()
        with gr.Tab(t("transformer.grid_tab"), elem_id="transformer-fig2"):
            kind_choices = [(t(f"transformer.kind_{k}"), k) for k in KINDS]
            grid_plot = gr.Plot(elem_id="transformer-all-heads")
            grid_kind = gr.Radio(kind_choices, value="cross", label=t("transformer.kind"))
        with gr.Tab(t("transformer.head_view_tab"), elem_id="transformer-fig3"):
            hv_plot = gr.Plot()
            with gr.Row():
                hv_kind = gr.Radio(kind_choices, value="cross", label=t("transformer.kind"))
                hv_layer = gr.Dropdown(choices=[], label=t("transformer.layer"))
                hv_focus = gr.Dropdown(choices=[], label=t("transformer.focus"))
        with gr.Tab(t("transformer.knife_tab"), elem_id="transformer-table3"):
            gr.Markdown(t("transformer.knife_help"))
            off = [gr.CheckboxGroup(choices=[], label=t(f"transformer.kind_{k}")) for k in KINDS]
            knife_btn = gr.Button(t("transformer.knife_run"))
            knife_out = gr.Textbox(label=t("transformer.output"), interactive=False)
            knife_bleu = gr.Markdown()
        with gr.Tab(t("transformer.attr_tab")):
            attr_plot = gr.Plot()
            attr_btn = gr.Button(t("transformer.attr_run"))
            layout.about("transformer.attr_help")
        with gr.Tab(t("transformer.paper_tab"), elem_id="transformer-fig1"):
            with gr.Row():
                pe_plot, lr_plot = gr.Plot(), gr.Plot(elem_id="transformer-eq3")
            sizes = gr.Markdown(elem_id="transformer-eq2")
        with gr.Tab(t("transformer.recurrence_tab"), elem_id="transformer-recurrence"):
            recurrence_tab()
        with gr.Tab(t("transformer.train_tab"), elem_id="transformer-train"):
            curves_plot = gr.Plot()
            with gr.Row():
                corpus = gr.Dropdown(list(CORPORA), value="multi30k-en-de", label=t("transformer.corpus"))
                train_btn = gr.Button(t("transformer.train"))
    with gr.Row():
        source = gr.Textbox(value=EXAMPLES["multi30k-en-de"],
                            label=t("transformer.source"), lines=2, scale=4)
        with gr.Column(scale=1):
            beam = gr.Slider(1, 4, value=1, step=1, label=t("transformer.beam"))
            go_btn = gr.Button(t("transformer.translate"), variant="primary")
    refused = gr.Markdown(elem_id="transformer-refused")
    trained = gr.Markdown(elem_id="transformer-trained-on")
    with gr.Row(elem_id="transformer-examples"):
        examples = [gr.Button(visible=False, size="sm", elem_classes="text-en") for _ in range(N_EXAMPLES)]
    output = gr.Textbox(label=t("transformer.output"), interactive=False, elem_id="transformer-output")
    with gr.Row():
        model = gr.Dropdown(choices=choices, value=choices[0][1] if choices else None, label=t("transformer.model"),
                            scale=4)
        refresh_btn = gr.Button(t("transformer.refresh"), scale=1)
    info = gr.Markdown()
    layout.about("transformer.intro", lab=True)

    # -- wiring --
    translated_outputs = [output, state, step, layer, head, hv_layer, hv_focus, *off, refused]
    head_view_inputs = [state, hv_kind, hv_layer, hv_focus]
    translations = [gr.on([go_btn.click, source.submit], translate, [model, source, beam], translated_outputs)]
    for example in examples:  # an example fills the input and is translated
        translations.append(example.click(lambda sentence: sentence, example, source, show_progress="hidden").then(
            translate, [model, source, beam], translated_outputs))
    shown = layout.on_screen()  # the lab first opened: a Chinese page's translator chosen, the example translated
    opened = shown(model_for_language, None, [model, source])
    translations.append(opened.then(translate_once, [model, source, beam, state], translated_outputs))
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
    model.change(example_for, [model, source], source)
    gr.on([model.change, shown], trained_on, model, [trained, *examples], show_progress="hidden")
    gr.on([model.change, shown], model_info, model, [info, curves_plot]).then(
        paper_views, model, [pe_plot, lr_plot, sizes])
    experiment_panel.poll(poll, [model], [curves_plot], every=5.0, seen=-1, starts=[train_btn.click, model.input])
    train_btn.click(train_lecture, corpus, None)
