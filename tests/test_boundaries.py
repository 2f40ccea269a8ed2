"""models/ and train/ run headless: they import (and train) where gradio and plotly cannot be imported; in explorer/,
imports run one way: tabs -> figures -> views -> models/train, and text is data."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BLOCK_UI = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("gradio", "plotly", "explorer", "captum"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
"""

IMPORT_ALL = """
import pkgutil, importlib
for package in ("models", "train"):
    for info in pkgutil.walk_packages([package], prefix=package + "."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
from train.cli import main
main(["--help"])
"""


def test_models_and_train_import_without_the_ui_stack(home):
    done = subprocess.run([sys.executable, "-c", BLOCK_UI + IMPORT_ALL], cwd=ROOT, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "experiments:" in done.stdout


def test_the_block_really_blocks():
    done = subprocess.run([sys.executable, "-c", BLOCK_UI + "import gradio"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0 and "blocked: gradio" in done.stderr


# -- explorer/: imports run one way, tabs -> figures -> views -> models/train -------------------------------------------

def imports_of(path: Path) -> set[str]:
    """The modules a file imports (anywhere in it): `from a.b import c` counts as a.b.c where that is a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                is_module = (ROOT / Path(*name.split("."))).with_suffix(".py").exists()
                found.add(name if is_module or (ROOT / Path(*name.split("."))).is_dir() else node.module)
    return found


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


EXPLORER = {module_name(path): imports_of(path) for path in sorted((ROOT / "explorer").rglob("*.py"))}
TOOLS = {module_name(path): imports_of(path) for path in sorted((ROOT / "tools").rglob("*.py"))}
LABS = ("alexnet", "resnet", "transformer", "runs")


def is_tab(name: str) -> bool:
    return name.endswith(".tab") and name.startswith("explorer.")


def test_every_lab_has_the_same_rooms():
    for lab in LABS:
        assert {f"explorer.labs.{lab}.{part}" for part in ("tab", "figures", "views", "strings")} <= set(EXPLORER), lab


def test_no_module_imports_a_tab():
    for name, imported in {**EXPLORER, **TOOLS}.items():
        assert not [m for m in imported if is_tab(m)], name  # only app.py composes the tabs


def test_figures_draw_from_views_and_views_hold_numbers():
    for lab in LABS:
        figures, views = EXPLORER[f"explorer.labs.{lab}.figures"], EXPLORER[f"explorer.labs.{lab}.views"]
        assert not any(m.startswith(("gradio", f"explorer.labs.{lab}.tab")) for m in figures), lab
        assert not any(m.startswith(("plotly", "gradio", "explorer.shared.plots")) or m.endswith((".figures", ".tab"))
                       for m in views), lab
        for name, imported in EXPLORER.items():  # no lab reaches into another lab's rooms
            if name.startswith("explorer.labs.") and not name.startswith(f"explorer.labs.{lab}."):
                assert not [m for m in imported if m.startswith(f"explorer.labs.{lab}.")], name


def test_text_is_data_and_i18n_imports_no_ui_module():
    for name, imported in EXPLORER.items():
        if name.endswith(".strings"):  # tables of (english, chinese), and the guide they are built from
            assert all(not m.startswith("explorer.") or m.endswith(".strings") or m == "explorer.reading.guide"
                       for m in imported), name
            assert not any(m.startswith(("gradio", "plotly", "torch")) for m in imported), name
    assert all(m.endswith(".strings") for m in EXPLORER["explorer.shared.i18n"] if m.startswith("explorer.")), \
        EXPLORER["explorer.shared.i18n"]


def test_shared_pieces_and_serving_sit_below_the_labs_and_the_reading_companion():
    for name, imported in EXPLORER.items():
        if name.startswith(("explorer.shared.", "explorer.serving.")) and name != "explorer.shared.i18n":
            assert not [m for m in imported if m.startswith(("explorer.labs.", "explorer.reading."))], name
        if name.startswith("explorer.reading."):  # the companion reads the labs' numbers, never their tabs
            assert not [m for m in imported if m.startswith("explorer.labs.") and not m.endswith(".views")], name


def test_the_experiment_panel_makes_every_timer():
    for path in sorted((ROOT / "explorer").rglob("*.py")):
        if path.name != "experiment_panel.py":
            assert "gr.Timer(" not in path.read_text(), path


def test_every_toast_is_in_the_askers_language():
    """Toasts come from explorer/shared/i18n.py's error, warn and inform (title and message translated): a raw
    gr.Error, gr.Warning or gr.Info would show an English title ("Error") on the Chinese page."""
    for path in sorted((ROOT / "explorer").rglob("*.py")):
        if path.name != "i18n.py":
            raw = [name for name in ("gr.Error(", "gr.Warning(", "gr.Info(") if name in path.read_text()]
            assert not raw, (path, raw)
