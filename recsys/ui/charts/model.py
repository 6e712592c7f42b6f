"""Model page figures: the 2-D map of item embeddings and parameters per stage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from recsys.ui.charts.common import ACCENT, MUTED, PALETTE, plain, style

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
    fig = go.Figure()
    counts = points["category"].value_counts()
    coloured = [g for g in counts.index if g][:max_groups]
    group = points["category"].where(points["category"].isin(coloured), "other" if coloured else "items")
    for name in ["other", "items", *coloured]:  # grey first, so the coloured groups are drawn on top
        part = points[group == name]
        if part.empty:
            continue
        colour = PALETTE[coloured.index(name) % len(PALETTE)] if name in coloured else (MUTED if coloured else ACCENT)
        fig.add_scattergl(
            x=part["x"],
            y=part["y"],
            mode="markers",
            name=plain(name),
            marker={"size": 6, "color": colour, "opacity": 0.75},
            customdata=np.c_[part["title"].map(plain), part["category"].map(plain)],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
        )
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    style(
        fig,
        title,
        f"component 1 ({explained[0]:.0%} of variance)",
        f"component 2 ({explained[1]:.0%})",
        height=560,
        legend=bool(coloured),
    )
    if coloured:  # below the plot: the maps sit side by side, too narrow for a legend beside the title
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
