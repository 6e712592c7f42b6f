"""What every figure shares: colours, the common layout, and text that plotly must not read as HTML."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

__all__ = ["ACCENT", "MUTED", "PALETTE", "pca_map_figure", "style", "plain", "short"]

ACCENT = "#3b5bdb"
MUTED = "#adb5bd"
NEGATIVE = "#e8590c"
PALETTE = ["#3b5bdb", "#e8590c", "#2b8a3e", "#ae3ec9", "#f08c00", "#0c8599", "#c2255c", "#5c940d", "#1864ab", "#868e96"]


def style(fig: go.Figure, title: str, x: str, y: str, height: int = 330, legend: bool = False) -> go.Figure:
    """The app's figure look: white template, compact margins, a small title."""
    fig.update_layout(
        title={"text": title, "font": {"size": 15}},
        xaxis_title=x,
        yaxis_title=y,
        template="plotly_white",
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        showlegend=legend,
        bargap=0.05,
    )
    if legend:
        fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0})
    return fig


def plain(text) -> str:
    """``text`` for plotly labels and hover boxes, shown literally.

    Plotly reads a subset of HTML in every label (``<b>``, ``<a href>``, ``<br>``); an item title
    such as ``<b>Top</b>`` must appear as written, so ``<``, ``>`` and ``&`` become entities.
    """
    return html.escape(str(text), quote=False)


def short(text, width: int = 28) -> str:
    """``plain`` and cut to ``width`` characters (axis labels)."""
    text = str(text)
    return plain(text if len(text) <= width else text[: width - 1] + "…")


def pca_map_figure(points: pd.DataFrame, explained, *, label: str, group: str, fallback: str, title: str,
                   height: int, max_groups: int = 9) -> go.Figure:
    """Points in the plane of the first two principal components of their vectors, one colour per group.

    Args:
        points: Columns ``x``, ``y``, ``label`` (the hover title) and ``group`` (``""``: none).
        explained: Share of variance along each axis.
        label, group: Names of the hover-title and group columns of ``points``.
        fallback: Legend name of the points when none has a group.
        max_groups: The most frequent groups get a colour; the rest are grey ("other").
    """
    fig = go.Figure()
    groups = points[group]
    coloured = [g for g in groups.value_counts().index if g][:max_groups]
    shown = groups.where(groups.isin(coloured), "other" if coloured else fallback)
    for name in ["other", fallback, *coloured]:  # grey first, so the coloured groups are drawn on top
        part = points[shown == name]
        if part.empty:
            continue
        colour = PALETTE[coloured.index(name) % len(PALETTE)] if name in coloured else (MUTED if coloured else ACCENT)
        fig.add_scattergl(
            x=part["x"],
            y=part["y"],
            mode="markers",
            name=plain(name),
            marker={"size": 6, "color": colour, "opacity": 0.75},
            customdata=np.c_[part[label].map(plain), part[group].map(plain)],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
        )
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return style(
        fig,
        title,
        f"component 1 ({explained[0]:.0%} of variance)",
        f"component 2 ({explained[1]:.0%})",
        height=height,
        legend=bool(coloured),
    )
