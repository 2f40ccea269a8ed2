"""Paper Lab: read AlexNet, ResNet and the Transformer by re-running them.

    python app.py [--host 127.0.0.1] [--port 7860]     (or PAPERLAB_HOST / PAPERLAB_PORT)

Composes one tab module per lab from explorer/ under a header with the presenter switch and the
language switch (explorer/shared/shell.js, explorer/shared/shell.css); this file is also the Hugging Face Space's app_file.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

import gradio as gr
from starlette.middleware import Middleware

from explorer.serving import gpu  # noqa: F401  (before torch: on a ZeroGPU Space it imports `spaces`, which must come first)

# isort: split
from explorer.labs.alexnet import tab as alexnet_tab
from explorer.labs.resnet import tab as resnet_tab
from explorer.labs.runs import tab as runs_tab
from explorer.labs.transformer import tab as transformer_tab
from explorer.reading import tab as reading_tab
from explorer.serving import deployment, memory
from explorer.shared import layout
from explorer.shared.i18n import build_i18n, t

TABS = (("alexnet", alexnet_tab), ("resnet", resnet_tab), ("transformer", transformer_tab),
        ("runs", runs_tab), ("reading", reading_tab))
SHELL = Path(__file__).resolve().parent / "explorer" / "shared"
LANGUAGE_CHOICES = [("English", "en"), ("中文", "zh")]  # each language named in itself


def build_header() -> tuple[gr.Checkbox, gr.Radio]:
    """Title, presenter mode and language: both switches act in the browser only (explorer/shared/shell.js)."""
    with gr.Row(elem_id="app-header"):
        gr.Markdown(t("app.title"), elem_id="app-title")
        presenter = gr.Checkbox(label=t("app.presenter"), elem_id="presenter-toggle", scale=0, min_width=200)
        lang = gr.Radio(LANGUAGE_CHOICES, label=t("app.language"), elem_id="lang-switch", scale=0, min_width=220)
        gr.Markdown(t("app.lang_code"), elem_id="lang-marker")
    presenter.change(None, presenter, None, js="(on) => window.paperlab.setPresenter(on)")
    lang.change(None, lang, None, js="(lang) => window.paperlab.setLanguage(lang)")
    return presenter, lang


def build_app() -> gr.Blocks:
    with gr.Blocks(title="Paper Lab", delete_cache=deployment.DELETE_CACHE) as demo:
        presenter, lang = build_header()
        with layout.tabs(elem_id="labs"):
            for name, module in TABS:
                with gr.Tab(t(f"tab.{name}"), id=name, elem_id=f"tab-{name}"):
                    module.build()
        demo.load(None, None, [presenter, lang], js="() => window.paperlab.restore()")
    return demo


def space_defaults(env: dict[str, str], bucket: Path = Path("/data")) -> dict[str, str]:
    """On a Space with persistent storage mounted at /data, keep runs and caches there unless set otherwise."""
    if not env.get("SPACE_ID") or not bucket.is_dir() or not os.access(bucket, os.W_OK):
        return {}
    wanted = {"PAPERLAB_HOME": str(bucket / "paperlab"), "HF_HOME": str(bucket / "huggingface")}
    return {key: value for key, value in wanted.items() if not env.get(key)}


def launch_options(host: str, port: int) -> dict:
    """Everything launch() is called with; tests assert the safety-relevant ones."""
    return dict(server_name=host, server_port=port, ssr_mode=False, run_history=False, share=False,
                max_file_size=deployment.MAX_UPLOAD, state_session_capacity=deployment.SESSIONS,
                app_kwargs={"middleware": [Middleware(deployment.UploadLimit)]}, i18n=build_i18n(), footer_links=["settings"],
                head=f"<script>{(SHELL / 'shell.js').read_text()}</script>", css_paths=[SHELL / "shell.css"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ.get
    # GRADIO_SERVER_NAME/PORT are what Hugging Face Spaces set (0.0.0.0:7860).
    parser.add_argument("--host", default=env("PAPERLAB_HOST") or env("GRADIO_SERVER_NAME") or "127.0.0.1")
    parser.add_argument("--port", type=int, default=int(env("PAPERLAB_PORT") or env("GRADIO_SERVER_PORT") or 7860))
    args = parser.parse_args(argv)
    os.environ.update(space_defaults(dict(os.environ)))
    memory.limit_malloc_arenas()  # before Gradio starts its request threads
    demo = build_app()
    deployment.configure(demo)  # queue limits; the launcher finds runs that died while the app was down
    demo.launch(**launch_options(args.host, args.port))


if __name__ == "__main__":
    main()
