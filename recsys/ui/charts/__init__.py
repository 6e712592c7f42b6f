"""Plotly figure builders for the app. Pure functions: data in, ``go.Figure`` out, no state.

Every figure gets the same look (``common.style``) so the pages read as one product, and every
piece of user text in a figure goes through ``common.plain`` (shown as text, never as HTML).
"""

from recsys.ui.charts.common import ACCENT, MUTED, PALETTE, plain, short, style
from recsys.ui.charts.compare import compare_curves_figure
from recsys.ui.charts.data import (
    activity_figure,
    long_tail_figure,
    ratings_figure,
    stats_figures,
    timeline_figure,
    weights_figure,
)
from recsys.ui.charts.explain import (
    attention_bars_figure,
    attention_heatmap_figure,
    deletion_figure,
    history_figure,
    shap_bar_figure,
    unique_labels,
    waterfall_figure,
)
from recsys.ui.charts.model import embedding_map_figure, parameters_figure
from recsys.ui.charts.summary import side_beeswarm_figure, side_importance_figure
from recsys.ui.charts.training import loss_figure, ndcg_figure

__all__ = [
    "ACCENT",
    "MUTED",
    "PALETTE",
    "activity_figure",
    "attention_bars_figure",
    "attention_heatmap_figure",
    "compare_curves_figure",
    "deletion_figure",
    "embedding_map_figure",
    "history_figure",
    "long_tail_figure",
    "loss_figure",
    "ndcg_figure",
    "parameters_figure",
    "plain",
    "ratings_figure",
    "shap_bar_figure",
    "short",
    "side_beeswarm_figure",
    "side_importance_figure",
    "stats_figures",
    "style",
    "timeline_figure",
    "weights_figure",
    "unique_labels",
    "waterfall_figure",
]
