"""Model page figures: the 2-D map of item embeddings and parameters per stage."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from recsys.ui.charts.common import ACCENT, pca_map_figure, plain, style

__all__ = ["embedding_map_figure", "parameters_figure"]


def embedding_map_figure(points: pd.DataFrame, explained, max_groups: int = 9,
                         title: str = "Item vectors (PCA)") -> go.Figure:
    """Items in the plane of the first two principal components of their embeddings.

    Args:
        points: Columns ``x``, ``y``, ``title``, ``category`` (first category, or ``""``), as
            ``recsys.explain.embedding_map`` returns them.
        explained: Share of variance along each axis.
        max_groups: The most frequent categories get a colour; the rest are grey ("other").
    """
    fig = pca_map_figure(points, explained, label="title", group="category", fallback="items", title=title,
                         height=560, max_groups=max_groups)
    if fig.layout.showlegend:  # below the plot: the maps sit side by side, too narrow for a legend beside the title
        fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.15, "xanchor": "left", "x": 0.0})
    return fig


def parameters_figure(per_stage: pd.Series) -> go.Figure:
    """Trainable parameters per stage (embedding, interaction, output, ...)."""
    fig = go.Figure(
        go.Bar(
            x=per_stage.to_numpy(),
            y=[plain(s) for s in per_stage.index],
            orientation="h",
            marker_color=ACCENT,
            hovertemplate="%{y}: %{x:,} parameters<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return style(fig, "Parameters per stage", "parameters", "", height=80 + 40 * len(per_stage))
