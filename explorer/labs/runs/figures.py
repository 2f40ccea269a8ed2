"""The Runs tab's figure: the chosen runs' curves on one plot."""
from __future__ import annotations

import plotly.graph_objects as go

from explorer.labs.runs import views
from explorer.shared.i18n import text
from explorer.shared.plots import curves_figure, error_tags


def overlay_figure(run_ids: list[str], metric_names: list[str], lang: str = "en") -> go.Figure | None:
    """The chosen runs' curves on one plot; None (the empty plot) when none is chosen."""
    series = views.run_series(run_ids, lang)
    if not series:
        return None
    percent = all(name.endswith("error") for name in metric_names)
    return curves_figure(series, metric_names, title=text("plot.runs", lang), x_title=text("common.iteration", lang),
                         y_title=text("common.error_pct", lang) if percent else "", percent=percent,
                         dashes={"train_error": "dash", "loss": "dash"}, tags=error_tags(lang), lang=lang)
