"""Paper Lab: read AlexNet, ResNet and the Transformer by re-running them.

    python app.py [--host 127.0.0.1] [--port 7860]     (or PAPERLAB_HOST / PAPERLAB_PORT)

Composes one tab module per lab from explorer/; this file is also the Hugging Face Space's app_file.
"""
from __future__ import annotations

import argparse
import os

import gradio as gr

from explorer import alexnet_tab, reading_tab, resnet_tab, runs_tab, transformer_tab
from explorer.i18n import build_i18n, t

TABS = (("alexnet", alexnet_tab), ("resnet", resnet_tab), ("transformer", transformer_tab),
        ("runs", runs_tab), ("reading", reading_tab))
MAX_UPLOAD = "20mb"


def build_app() -> gr.Blocks:
    with gr.Blocks(title="Paper Lab") as demo:
        gr.Markdown(t("app.title"), elem_id="app-title")
        with gr.Tabs(elem_id="labs"):
            for name, module in TABS:
                with gr.Tab(t(f"tab.{name}"), id=name, elem_id=f"tab-{name}"):
                    module.build()
    return demo


def launch_options(host: str, port: int) -> dict:
    """Everything launch() is called with; tests assert the safety-relevant ones."""
    return dict(server_name=host, server_port=port, ssr_mode=False, run_history=False, share=False,
                max_file_size=MAX_UPLOAD, i18n=build_i18n(), footer_links=["settings"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ.get
    # GRADIO_SERVER_NAME/PORT are what Hugging Face Spaces set (0.0.0.0:7860).
    parser.add_argument("--host", default=env("PAPERLAB_HOST") or env("GRADIO_SERVER_NAME") or "127.0.0.1")
    parser.add_argument("--port", type=int, default=int(env("PAPERLAB_PORT") or env("GRADIO_SERVER_PORT") or 7860))
    args = parser.parse_args(argv)
    demo = build_app()
    demo.queue(default_concurrency_limit=4, max_size=64)
    demo.launch(**launch_options(args.host, args.port))


if __name__ == "__main__":
    main()
