"""models/ and train/ run headless: they import (and train) where gradio and plotly cannot be imported."""
from __future__ import annotations

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
