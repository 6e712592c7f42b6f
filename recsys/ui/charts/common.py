"""What every figure shares: colours, the common layout, and text that plotly must not read as HTML."""

from __future__ import annotations

import html

import plotly.graph_objects as go

__all__ = ["ACCENT", "MUTED", "PALETTE", "style", "plain", "short"]

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
