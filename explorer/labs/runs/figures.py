"""The Runs tab's figure: the chosen runs' curves on one plot."""
from __future__ import annotations

import plotly.graph_objects as go

from explorer.labs.runs import views
from explorer.shared.i18n import text
from explorer.shared.plots import FONT, curves_figure, error_tags


def overlay_figure(run_ids: list[str], metric_names: list[str], lang: str = "en") -> go.Figure | None:
    """The chosen runs' curves on one plot; None (the empty plot) when none is chosen, a note when they have no
    points yet (a queued run), not empty axes."""
    series = views.run_series(run_ids, lang)
    if not series:
        return None
    if not any(metrics for _, metrics in series):
        return no_points_figure(lang)
    percent = all(name.endswith("error") for name in metric_names)
    return curves_figure(series, metric_names, title=text("plot.runs", lang), x_title=text("common.iteration", lang),
                         y_title=text("common.error_pct", lang) if percent else "", percent=percent,
                         dashes={"train_error": "dash", "loss": "dash"}, tags=error_tags(lang), lang=lang)


def no_points_figure(lang: str) -> go.Figure:
    """A short note in place of a plot: the chosen runs have logged nothing yet."""
    fig = go.Figure()
    fig.add_annotation(text=text("plot.no_points", lang), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={**FONT, "size": 18})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig.update_layout(template="plotly_white", height=160, margin=dict(l=20, r=20, t=20, b=20))
