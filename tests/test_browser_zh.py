"""The whole page in Chinese (issue 31 item 6): a zh-CN browser walks every tab and sub-tab, opens every accordion,
plot and table (the Runs tab with a finished run in it), and finds no English word outside an allowlist by rule.

What may stay Latin:
- names: the papers' models, data sets, measures and hardware, the tools cited, the papers' authors and the people
  they cite, file formats (NAMES, any case), and the app's (APP_NAME);
- identifiers of this code: recipes, experiments, presets, data choices and bundled models (CODE_NAMES), and tokens
  that read as code (a digit, "_", ".", "/" or "=" in them, an inner capital as in ImageFolder, or two hyphens as in
  tatoeba-en-zh);
- symbols and units: one letter, UNITS, and maths (a name next to "(", "^", "√" or a sub- or superscript, or
  followed by "=", and a function's arguments);
- quotations: titles in 《》, the paper's words in “”, JSON in "" and {};
- what is not UI text: code (<code>, <pre>), text marked as another language (an element's lang attribute, e.g. a
  citation as published, or the translators' English example sentences), the language switch (each language named
  in itself), and the data a plot draws: tick labels of a heatmap or named by the figure (ticktext), and text at
  data points (a sentence's tokens).
Screenshots: docs/screenshots/zh-resnet.png and zh-runs.png.
"""
from __future__ import annotations

import re
import shutil

import pytest
from test_browser import ARGS, CHROMIUM, SHOTS, _missing, browser  # noqa: F401  (browser: the fixture)

from explorer.labs.runs.tab import DATA_CHOICES
from explorer.shared import reference_runs
from explorer.shared.i18n import text
from train.recipes import EXPERIMENTS, RECIPES
from train.store import RunStore

if _missing():
    pytest.skip(_missing(), allow_module_level=True)

DOCS = SHOTS.parent.parent / "docs" / "screenshots"
NAMES = {name.lower() for name in (
    # models, layers and methods
    "AlexNet", "ResNet", "Transformer", "RNNsearch", "VGG", "GoogLeNet", "BERT", "GPT", "GNMT", "RL", "CNN", "RNN",
    "LSTM", "R-CNN", "Faster", "ReLU", "tanh", "LRN", "PCA", "SIFT", "Fisher", "FFN", "MLP", "softmax", "Dropout",
    "SGD", "Adam", "BPE",
    # data sets and measures
    "CIFAR", "ImageNet", "ILSVRC", "COCO", "PASCAL", "VOC", "WMT", "WSJ", "Multi30k", "Tatoeba", "BLEU", "FLOPs",
    "FLOP", "top-1", "top-5", "top",
    # hardware, tools and formats
    "GPU", "CPU", "CUDA", "NVIDIA", "GTX", "H100", "H200", "PyTorch", "torch", "torchvision", "captum", "sacreBLEU",
    "Gradio", "Plotly", "API", "JPEG", "PNG", "SVG", "CSV", "JSON", "RGB", "ZeroGPU", "Hugging", "Face",
    # the papers' authors and the people they cite; the app's name
    "Krizhevsky", "Sutskever", "Hinton", "He", "Zhang", "Ren", "Sun", "Vaswani", "Shazeer", "Parmar", "Uszkoreit",
    "Jones", "Gomez", "Kaiser", "Polosukhin", "Bahdanau", "Keshav", "NeurIPS", "NIPS", "CVPR", "arXiv")}
APP_NAME = "Paper Lab"
UNITS = {"s", "ms", "min", "h", "GB", "MB", "KB", "px", "k", "M", "B"}
CODE_NAMES = {name.lower() for name in (*RECIPES, *EXPERIMENTS, *DATA_CHOICES,
                                        *(preset for recipe in RECIPES.values() for preset in recipe.presets),
                                        *(path.name for path in reference_runs.MODELS_DIR.iterdir()))}
QUOTED = re.compile(r'《[^》]*》|“[^”]*”|"[^"]*"|\{[^}]*\}|\w+\([^()]*\)')  # ... and a function's arguments
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.'/=\-]*[A-Za-z0-9]|[A-Za-z]")
MATHS = "(^=₀₁₂₃₄₅₆₇₈₉ᵀ⁻"

VISIBLE_TEXT = r"""() => {
    const skip = (el) => el.closest('code, pre, script, style, #lang-switch, .js-plotly-plot, '
                                    + '[lang]:not([lang^="zh"]):not(html)');
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !el || skip(el) || !el.checkVisibility({visibilityProperty: true})) continue;
        out.push(node.textContent.trim());
    }
    for (const input of document.querySelectorAll('input[role="combobox"], input[type="text"][readonly]'))
        if (input.checkVisibility() && !skip(input) && input.value) out.push(input.value);
    for (const plot of document.querySelectorAll('.js-plotly-plot')) {
        if (!plot.checkVisibility()) continue;
        const tokens = (plot.data || []).some(t => t.type === 'heatmap')
            || Object.values(plot._fullLayout || {}).some(axis => axis && axis.ticktext && axis.ticktext.length);
        for (const t of plot.querySelectorAll('svg text')) {
            if ((tokens && t.closest('.xaxislayer-above, .yaxislayer-above')) || t.closest('.textpoint')) continue;
            if (t.textContent.trim()) out.push(t.textContent.trim());
        }
    }
    return out;
}"""


def allowed(word: str, before: str, after: str) -> bool:
    bare = word.strip("'.-/=")
    return (len(bare) == 1 or bare in UNITS or bare.lower() in NAMES or bare.lower() in CODE_NAMES
            or re.search(r"[0-9_./=]", bare) is not None or re.search(r"[a-z][A-Z]", bare) is not None
            or bare.count("-") >= 2 or all(part.lower() in NAMES | CODE_NAMES for part in bare.split("-"))
            or before in MATHS + "√" or after[:1] != "" and after[:1] in MATHS or after.lstrip(" ")[:1] == "=")


def english_words(texts: list[str]) -> dict[str, str]:
    """{word: the text it is in} for every Latin word the rules above do not allow."""
    found = {}
    for line in texts:
        unquoted = QUOTED.sub(" ", line.replace(APP_NAME, " "))
        for match in WORD.finditer(unquoted):
            before = unquoted[match.start() - 1] if match.start() else " "
            if not allowed(match.group(), before, unquoted[match.end():match.end() + 3]):
                found.setdefault(match.group().strip("'.-/="), line[:120])
    return found


def open_accordions(page) -> None:
    for _ in range(3):  # an accordion may hold another
        closed = page.locator("button.label-wrap:not(.open):visible")
        if not closed.count():
            return
        for i in reversed(range(closed.count())):
            closed.nth(i).click()
        page.wait_for_timeout(300)


def settle(page) -> None:
    """Wait until the page's handlers have drawn (no progress bar or pending block) and plots have laid out."""
    page.wait_for_timeout(800)
    page.wait_for_function("() => !document.querySelector('.progress-text, .eta-bar, .wrap.pending')",
                           timeout=90_000)
    page.wait_for_timeout(700)


def walk(page, scope, seen: list[str], path: tuple[str, ...], found: dict[str, str]) -> None:
    """Click every tab of scope's outermost tab bar, collect the page's words, and walk each tab's own sub-tabs."""
    bar = scope.locator("[role=tablist]").first
    if not bar.count():
        return
    names = [name.strip() for name in bar.get_by_role("tab").all_inner_texts()]
    for name in names:
        bar.get_by_role("tab", name=name, exact=True).click()
        settle(page)
        open_accordions(page)
        settle(page)
        here = (*path, name)
        seen.append(" › ".join(here))
        for word, line in english_words(page.evaluate(VISIBLE_TEXT)).items():
            found.setdefault(word, f"{' › '.join(here)}: {line}")
        panel = scope.locator("[role=tabpanel]:visible").first
        walk(page, panel, seen, here, found)


@pytest.fixture
def zh_page(browser, module_server):  # noqa: F811
    url, home = module_server
    store = RunStore(home)  # a finished lecture run, as the trainer leaves it, for the Runs tab's table and plot
    run_id = store.create_run("resnet", RECIPES["resnet"].config("lecture").to_dict(), status="done")
    for step in range(0, 301, 50):
        store.log_metrics(run_id, step, {"train_error": 0.9 - step / 1000, "test_error": 0.92 - step / 1000})
    store.update(run_id, step=300, message="done at step 300")
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    page.get_by_role("tab", name=text("tab.runs", "zh")).wait_for(timeout=60_000)
    yield page
    context.close()


def test_the_chinese_page_has_no_english_word(zh_page):
    page = zh_page
    settle(page)
    seen, found = [], {}
    walk(page, page.locator("body"), seen, (), found)
    assert len(seen) > 15, seen  # every lab's sub-tabs were visited
    assert not found, "\n".join(f"{word!r} in {where}" for word, where in sorted(found.items()))


def test_chinese_headings_are_set_in_one_cjk_face(zh_page):
    page = zh_page
    face = page.evaluate("getComputedStyle(document.querySelector('h2, h3, .prose strong')).fontFamily")
    assert face.replace('"', "").startswith("Noto Sans CJK SC"), face


def test_screenshots_of_the_chinese_page(zh_page):
    page = zh_page
    DOCS.mkdir(parents=True, exist_ok=True)
    page.get_by_role("tab", name=text("tab.resnet", "zh")).click()
    page.locator("#resnet-fig6 .js-plotly-plot").wait_for(timeout=30_000)
    settle(page)
    page.screenshot(path=SHOTS / "zh-resnet.png")
    page.get_by_role("tab", name=text("tab.runs", "zh")).click()
    page.locator("#runs-plot .js-plotly-plot").wait_for(timeout=30_000)
    settle(page)
    page.screenshot(path=SHOTS / "zh-runs.png", full_page=True)
    for name in ("zh-resnet.png", "zh-runs.png"):
        shutil.copyfile(SHOTS / name, DOCS / name)


def test_an_unknown_option_gets_a_chinese_toast(zh_page):
    """The Runs form with an option the recipe lacks: a toast titled and worded in Chinese, not Python's TypeError."""
    page = zh_page
    page.get_by_role("tab", name=text("tab.runs", "zh")).click()
    page.get_by_label(text("runs.options", "zh")).fill('{"depth": 56}')
    page.locator("#runs-start").click()
    toast = page.locator(".toast-body").first
    toast.wait_for(timeout=20_000)
    assert text("toast.error", "zh") in toast.inner_text()
    assert "没有选项 depth" in toast.inner_text() and "unexpected keyword" not in toast.inner_text()
