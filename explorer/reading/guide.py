"""The reading guide: three passes through each paper, in English and Chinese, read from Markdown beside this file.

The passes follow S. Keshav, "How to Read a Paper" (ACM SIGCOMM CCR 37(3), 2007): pass 1 is the
bird's-eye view (title, abstract, conclusion), pass 2 reads every key figure and table, pass 3
rebuilds the work and ends with the paper closed. The texts are ours; numbers and the labels of
figures, tables and equations are cited from the papers. The texts live in guides/<lab>.<lang>.md, one "## " section
per block: skim (pass 1), "<ref>: <title>" per exhibit (pass 2), problem, method, experiments and recall (pass 3, the
recall prompts as a list); here each becomes {"en": markdown, "zh": markdown}.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from explorer.shared.strings import LANGUAGES

Text = dict[str, str]  # {"en": markdown, "zh": markdown}
SECTIONS = ("problem", "method", "experiments")  # pass 3, in this order


@dataclass(frozen=True)
class Exhibit:
    """A figure, table or equation of the paper, and what to look for in it."""

    ref: str        # "fig1", "table6", "eq3": the lab shows its live reproduction under elem_id f"{lab}-{ref}"
    title: Text
    look_for: Text


@dataclass(frozen=True)
class Guide:
    """One paper, read in three passes; `lab` is the id of the tab that re-runs it."""

    lab: str
    citation: str
    skim: Text                      # pass 1
    exhibits: tuple[Exhibit, ...]   # pass 2
    problem: Text                   # pass 3
    method: Text
    experiments: Text
    recall: tuple[Text, ...]        # "close the paper and recall" prompts

    def target(self, exhibit: Exhibit) -> str:
        """elem_id of the element in the lab tab that shows the exhibit (TARGETS)."""
        return TARGETS[self.lab, exhibit.ref]


# Where each exhibit is shown: the one mapping from the guide to the labs' elements. An element is named after a figure,
# table or equation only where it reproduces it (f"{lab}-{ref}"); other exhibits open the element that shows what they
# are about, named for what it holds (tests/test_reading.py checks both ways).
TARGETS = {
    ("alexnet", "fig1"): "alexnet-fig1",            # ReLU vs tanh, in epochs, with the speed-up
    ("alexnet", "fig2"): "alexnet-towers",          # the architecture: one tower or two
    ("alexnet", "fig3"): "alexnet-fig3",            # conv1's kernels forming as a run trains
    ("alexnet", "fig4"): "alexnet-fig4",            # predictions and neighbours by feature vector
    ("alexnet", "table1"): "alexnet-live-curves",   # the error curves of one's own run (CIFAR-10, not ILSVRC)
    ("alexnet", "table2"): "alexnet-top5",          # top-5 predictions of the chosen model
    ("resnet", "fig1"): "resnet-depths",            # the depths Fig. 6's panel trains (20 and 56: Fig. 1)
    ("resnet", "fig2"): "resnet-shortcuts",         # the residual block's shortcut options
    ("resnet", "fig5"): "resnet-fig5",              # basic and bottleneck blocks, drawn and costed
    ("resnet", "fig6"): "resnet-fig6",              # plain vs residual on CIFAR-10
    ("resnet", "fig7"): "resnet-fig7",              # layer responses
    ("resnet", "table1"): "resnet-table1",          # the ImageNet architectures, counted
    ("resnet", "table6"): "resnet-ends-plain-vs-residual",  # where each depth ends on CIFAR-10
    **{("transformer", ref): f"transformer-{ref}" for ref in ("fig1", "fig2", "fig3", "eq1", "eq2", "eq3", "table3")},
    ("transformer", "table1"): "transformer-table1",     # step time against length, Table 1's formulas beside
    ("transformer", "table2"): "transformer-table2",     # BLEU against training minutes and FLOPs, both models
}
# Pass 3's live counterpart, where a lab has one: the element that answers the paper's problem with our own runs.
REBUILD = {"transformer": "transformer-recurrence"}    # attention against recurrence, on the same data


GUIDE_DIR = Path(__file__).resolve().parent / "guides"
CITATIONS = {
    "alexnet": "A. Krizhevsky, I. Sutskever, G. E. Hinton. *ImageNet Classification with Deep Convolutional Neural "
               "Networks.* NIPS 2012.",
    "resnet": "K. He, X. Zhang, S. Ren, J. Sun. *Deep Residual Learning for Image Recognition.* CVPR 2016 "
              "(arXiv:1512.03385, 2015).",
    "transformer": "A. Vaswani, N. Shazeer, N. Parmar, J. Uszkoreit, L. Jones, A. N. Gomez, Ł. Kaiser, I. Polosukhin. "
                   "*Attention Is All You Need.* NIPS 2017.",
}


def sections(markdown: str) -> list[tuple[str, str]]:
    """(heading, body) of each "## " section, in order; anything before the first (a comment) is left out."""
    blocks = re.split(r"^## (.+)$", markdown, flags=re.M)[1:]
    return [(heading.strip(), body.strip()) for heading, body in zip(blocks[::2], blocks[1::2])]


def load(lab: str, root: Path = GUIDE_DIR) -> Guide:
    """One paper's guide from guides/<lab>.en.md and guides/<lab>.zh.md, which hold the same sections in the same order."""
    by_lang = {lang: sections((root / f"{lab}.{lang}.md").read_text(encoding="utf-8")) for lang in LANGUAGES}
    refs = [[heading.partition(":")[0] for heading, _ in by_lang[lang]] for lang in LANGUAGES]
    if refs[0] != refs[1]:
        raise ValueError(f"guides/{lab}: the languages' sections differ: {refs}")
    heading = {ref: {lang: by_lang[lang][i][0].partition(":")[2].strip() for lang in LANGUAGES}
               for i, ref in enumerate(refs[0])}
    body = {ref: {lang: by_lang[lang][i][1] for lang in LANGUAGES} for i, ref in enumerate(refs[0])}
    exhibits = tuple(Exhibit(ref, heading[ref], body[ref]) for ref in refs[0] if heading[ref]["en"])
    prompts = {lang: re.findall(r"^- (.+)$", body["recall"][lang], flags=re.M) for lang in LANGUAGES}
    recall = tuple(dict(zip(LANGUAGES, pair, strict=True)) for pair in zip(*prompts.values(), strict=True))
    return Guide(lab, CITATIONS[lab], body["skim"], exhibits, body["problem"], body["method"], body["experiments"],
                 recall)


GUIDES: tuple[Guide, ...] = tuple(load(lab) for lab in CITATIONS)
