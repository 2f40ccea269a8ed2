"""The Gradio UI. labs/<lab>/: one folder per lab, each with tab.py (layout and handlers), figures.py (plotly),
views.py (numbers, no plotly) and strings.py; reading/: the reading companion and scorecard; shared/: i18n, plots, the
experiment panel, reference runs, the yardstick; serving/: deployment, services, GPUs. Imports run tab -> figures -> views."""
