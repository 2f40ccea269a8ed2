"""The Gradio UI: one module per tab, pure functions first, then figures, then layout and wiring."""
