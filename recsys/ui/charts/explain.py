"""Explanation figures: a user's history over time, attention, SHAP bars and waterfalls,
deletion (faithfulness) curves. Every title is passed through ``plain`` (shown as text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from recsys.ui.charts.common import ACCENT, MUTED, NEGATIVE, PALETTE, plain, short, style

if TYPE_CHECKING:  # recsys.explain imports TensorFlow; the Data page loads charts without it
    from recsys.explain.faithfulness import Faithfulness

__all__ = [
    "attention_bars_figure",
    "attention_heatmap_figure",
    "deletion_figure",
    "history_figure",
    "shap_bar_figure",
    "unique_labels",
    "waterfall_figure",
]


def unique_labels(labels) -> list[str]:
    """Labels made unique with `` (2)``, `` (3)``: plotly merges equal category labels."""
    seen: dict[str, int] = {}
    out = []
    for label in map(str, labels):
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def history_figure(history: pd.DataFrame) -> go.Figure:
    """A user's history as a timeline: one marker per item, rows by first category.

    Args:
        history: Columns ``when`` (datetime, or position when there are no timestamps),
            ``title``, ``category`` (first category), ``categories`` (all, text), ``in_window``
            (bool: among the most recent items the model reads; the others are faded), ``label``
            (time or position, and the rating, for the hover box).
    """
    fig = go.Figure()
    groups = list(dict.fromkeys(history["category"]))
    for j, group in enumerate(groups):
        part = history[history["category"] == group]
        fig.add_scatter(
            x=part["when"],
            y=[plain(group)] * len(part),
            mode="markers",
            name=plain(group),
            marker={
                "size": 11,
                "color": PALETTE[j % len(PALETTE)],
                "opacity": np.where(part["in_window"], 0.95, 0.3),
                "line": {"width": 1, "color": "white"},
            },
            customdata=np.c_[part["title"].map(plain), part["categories"].map(plain), part["label"].map(plain)],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
        )
    timed = pd.api.types.is_datetime64_any_dtype(history["when"])
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=[plain(g) for g in groups[::-1]])
    height = max(420, 60 + 28 * len(groups))  # as tall as the top-K table beside it
    return style(
        fig,
        "History over time" if timed else "History in file order",
        "time" if timed else "position in history",
        "",
        height=height,
    )


def attention_heatmap_figure(matrix: np.ndarray, titles: list[str], title: str) -> go.Figure:
    """``[n, n]`` self-attention: row = query item (attends), column = key item (attended to)."""
    n = len(titles)
    labels = [f"{i + 1}. {short(t, 24)}" for i, t in enumerate(titles)]
    hover = np.array([[f"{plain(titles[r])} → {plain(titles[c])}" for c in range(n)] for r in range(n)], dtype=object)
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=list(range(n)),
            y=list(range(n)),
            colorscale="Blues",
            zmin=0,
            zmax=float(max(matrix.max(), 1e-9)),
            customdata=hover,
            hovertemplate="%{customdata}<br>attention %{z:.3f}<extra></extra>",
            colorbar={"title": {"text": "weight"}, "thickness": 12},
        )
    )
    ticks = {"tickmode": "array", "tickvals": list(range(n)), "tickfont": {"size": 10}}
    fig.update_yaxes(**ticks, ticktext=labels, autorange="reversed")
    if n <= 15:
        fig.update_xaxes(**ticks, ticktext=labels, tickangle=-50)
    else:  # long histories: titles on the rows only, every few positions on the columns
        step = -(-n // 12)
        fig.update_xaxes(
            tickmode="array", tickvals=list(range(0, n, step)), ticktext=[str(i + 1) for i in range(0, n, step)]
        )
    x_title = "attended item (key)" if n <= 15 else "attended item (key), by position"
    return style(fig, title, x_title, "attending item (query)", height=max(380, (160 if n <= 15 else 90) + 17 * n))


def attention_bars_figure(weights: np.ndarray, titles: list[str], title: str) -> go.Figure:
    """Target attention from the recommended item to each history item (oldest at the top)."""
    labels = [f"{i + 1}. {short(t, 30)}" for i, t in enumerate(titles)]
    fig = go.Figure(
        go.Bar(
            x=weights,
            y=labels,
            orientation="h",
            marker_color=ACCENT,
            customdata=[plain(t) for t in titles],
            hovertemplate="%{customdata}: %{x:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", tickfont={"size": 10})
    return style(fig, title, "attention weight", "", height=max(300, 80 + 19 * len(titles)))


def _top(values: np.ndarray, names: list[str], top: int) -> tuple[np.ndarray, list[str], float, int]:
    order = np.argsort(-np.abs(values), kind="stable")
    keep, rest = order[:top], order[top:]
    return values[keep], [names[i] for i in keep], float(values[rest].sum()), len(rest)


def shap_bar_figure(values, names, title: str, top: int = 12) -> go.Figure:
    """SHAP values as horizontal bars, largest magnitude first; the rest summed in one bar."""
    values = np.asarray(values, dtype=float)
    vals, labels, rest, n_rest = _top(values, list(names), top)
    labels = unique_labels(short(n, 34) for n in labels)
    if n_rest:
        vals, labels = np.r_[vals, rest], [*labels, f"{n_rest} others"]
    fig = go.Figure(
        go.Bar(
            x=vals,
            y=labels,
            orientation="h",
            marker_color=[ACCENT if v >= 0 else NEGATIVE for v in vals],
            hovertemplate="%{y}: %{x:+.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", tickfont={"size": 10})
    return style(fig, title, "SHAP value (change in score)", "", height=max(280, 80 + 22 * len(vals)))


def waterfall_figure(values, names, base: float, title: str, top: int = 10, data=None) -> go.Figure:
    """From the base value (the average score) to this item's score, one step per feature.

    Args:
        values: SHAP values; ``base + sum(values)`` is the explained score.
        names: Feature names (history titles, side-feature names). data: optional values shown
            next to the names (``your gender = F``).
    """
    values = np.asarray(values, dtype=float)
    names = [f"{n} = {d}" for n, d in zip(names, data)] if data is not None else list(names)
    vals, labels, rest, n_rest = _top(values, names, top)
    labels = unique_labels(short(n, 34) for n in labels)
    steps = list(vals) + ([rest] if n_rest else [])
    labels = ["base value", *labels, *([f"{n_rest} others"] if n_rest else []), "score"]
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            y=labels,
            x=[base, *steps, 0.0],
            measure=["absolute", *["relative"] * len(steps), "total"],
            increasing={"marker": {"color": ACCENT}},
            decreasing={"marker": {"color": NEGATIVE}},
            totals={"marker": {"color": "#495057"}},
            connector={"line": {"color": MUTED, "width": 1}},
            text=[f"{base:.3f}", *[f"{v:+.3f}" for v in steps], f"{base + sum(steps):.3f}"],
            textposition="outside",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", tickfont={"size": 10})
    span = np.cumsum([base, *steps])
    low, high = min(0.0, span.min()), max(0.0, span.max())
    pad = 0.18 * (high - low or 1.0)
    fig.update_xaxes(range=[low - pad, high + pad])
    return style(fig, title, "score", "", height=max(300, 90 + 24 * len(labels)))


def deletion_figure(faithfulness: Faithfulness) -> go.Figure:
    """Deletion curves: remove history items in each explanation's order, re-score.

    A curve that falls fast means the order names what the score depends on; the area under it
    (lower is better) is in the legend.
    """
    fig = go.Figure()
    colours = {"shap": ACCENT, "attention": "#2b8a3e", "random": MUTED}
    names = {"shap": "SHAP", "attention": "attention", "random": "random (mean of 5)"}
    for key, curve in faithfulness.curves.items():
        curve = np.asarray(curve, dtype=float)
        auc = faithfulness.area(key)
        fig.add_scatter(
            x=np.arange(len(curve)),
            y=curve,
            mode="lines+markers",
            name=f"{names.get(key, key)} (area {auc:.2f})",
            line={"color": colours.get(key, ACCENT), "width": 2.5, "dash": "dot" if key == "random" else "solid"},
            hovertemplate="%{x} removed: %{y:.2f}<extra></extra>",
        )
    fig.add_hline(y=0, line={"color": MUTED, "width": 1})
    fig = style(
        fig,
        "Deletion curves: score as history items are removed",
        "history items removed",
        "score (1 = original, 0 = empty history)",
        legend=True,
        height=400,
    )
    # The legend under the plot: three long entries beside the title would overlap it.
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "top", "y": -0.3, "xanchor": "left", "x": 0}, margin={"b": 70}
    )
    return fig
