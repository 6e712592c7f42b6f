"""Figures of the graph views: the 2-D map of LightGCN vectors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from recsys.ui.charts.common import ACCENT, MUTED, PALETTE, plain, style

__all__ = ["graph_map_figure"]


def graph_map_figure(points: pd.DataFrame, explained: tuple[float, float], kind: str = "items",
                     max_groups: int = 9) -> go.Figure:
    """Users or items in the plane of the first two principal components of their LightGCN vectors.

    Args:
        points: Columns ``x``, ``y``, ``label`` (title or user id), ``group`` (first category or
            first user attribute, or ``""``).
        explained: Share of variance along each axis.
        kind: ``"items"`` or ``"users"`` (titles and the legend's fallback name).
        max_groups: The most frequent groups get a colour; the rest are grey ("other").
    """
    fig = go.Figure()
    counts = points["group"].value_counts()
    coloured = [g for g in counts.index if g][:max_groups]
    group = points["group"].where(points["group"].isin(coloured), "other" if coloured else kind)
    for name in ["other", kind, *coloured]:  # grey first, so the coloured groups are drawn on top
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
            customdata=np.c_[part["label"].map(plain), part["group"].map(plain)],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
        )
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return style(
        fig,
        f"LightGCN {kind[:-1]} vectors (PCA)",
        f"component 1 ({explained[0]:.0%} of variance)",
        f"component 2 ({explained[1]:.0%})",
        height=520,
        legend=bool(coloured),
    )
