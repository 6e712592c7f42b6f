"""Data page figures: long tail, activity, ratings or weights, interactions over time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from recsys.data import DatasetStats, long_tail_curve
from recsys.ui.charts.common import ACCENT, MUTED
from recsys.ui.charts.common import style as _style

__all__ = [
    "activity_figure",
    "long_tail_figure",
    "ratings_figure",
    "stats_figures",
    "timeline_figure",
    "weights_figure",
]


def _empty(fig: go.Figure, text: str, title: str) -> go.Figure:
    """``fig`` with only ``text`` in it and no axes (the file has no such column)."""
    fig.add_annotation(text=text, showarrow=False, font={"size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, title, "", "")


def long_tail_figure(per_item: pd.Series) -> go.Figure:
    """Cumulative share of interactions over items sorted by popularity, with the 80% line.

    A steep start means a few items take most interactions (a strong popularity bias).
    """
    curve = long_tail_curve(per_item)
    item_share = np.r_[0.0, 100 * curve["rank"] / max(len(curve), 1)]  # start the curve at the origin
    fig = go.Figure(
        go.Scatter(
            x=item_share,
            y=np.r_[0.0, 100 * curve["cum_share"]],
            mode="lines",
            line={"color": ACCENT, "width": 2.5},
            fill="tozeroy",
            fillcolor="rgba(59, 91, 219, 0.12)",
            hovertemplate="top %{x:.1f}% of items get %{y:.1f}% of interactions<extra></extra>",
        )
    )
    fig.add_hline(y=80, line={"color": MUTED, "dash": "dash"}, annotation_text="80% of interactions")
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    fig.update_yaxes(range=[0, 101], ticksuffix="%")
    return _style(fig, "Long tail: popularity of items", "items, most popular first", "share of interactions")


def activity_figure(per_user: pd.Series) -> go.Figure:
    """Histogram of interactions per user: one bar per count when there are few distinct counts,
    log-spaced bins when activity spans decades, even bins otherwise."""
    counts = per_user.to_numpy()
    fig = go.Figure()
    if np.unique(counts).size <= 40:
        values = per_user.value_counts().sort_index()
        fig.add_bar(
            x=values.index,
            y=values.to_numpy(),
            marker_color=ACCENT,
            hovertemplate="%{x} interactions: %{y} users<extra></extra>",
        )
        low, high = values.index.min(), values.index.max()
        fig.update_xaxes(range=[low - 1, high + 1], dtick=1 if high - low <= 20 else None)
    elif counts.max() / max(counts.min(), 1) > 50:
        edges = np.unique(np.geomspace(max(counts.min(), 1), counts.max() + 1, 30).round())
        hist, edges = np.histogram(counts, bins=edges)
        labels = [f"{int(a)}–{int(b) - 1}" if b - a > 1 else f"{int(a)}" for a, b in zip(edges[:-1], edges[1:])]
        fig.add_bar(x=labels, y=hist, marker_color=ACCENT, hovertemplate="%{x} interactions: %{y} users<extra></extra>")
    else:
        fig.add_histogram(x=counts, marker_color=ACCENT, hovertemplate="%{x} interactions: %{y} users<extra></extra>")
    return _style(fig, "Activity: interactions per user", "interactions per user", "users")


def ratings_figure(rating_counts: pd.Series | None) -> go.Figure:
    """Bar chart of rating values; an empty, labelled figure for implicit feedback."""
    fig = go.Figure()
    if rating_counts is None or rating_counts.empty:
        return _empty(fig, "No rating column: implicit feedback", "Ratings")
    values = rating_counts
    if len(values) > 30:  # a fine-grained scale read as ratings (e.g. 0-100 scores): bin it
        fig.add_histogram(x=np.repeat(values.index.to_numpy(float), values.to_numpy()), nbinsx=30, marker_color=ACCENT)
    else:
        fig.add_bar(
            x=[f"{v:g}" for v in values.index],
            y=values.to_numpy(),
            marker_color=ACCENT,
            hovertemplate="rating %{x}: %{y:,} interactions<extra></extra>",
        )
        fig.update_xaxes(type="category")
    return _style(fig, "Ratings", "rating", "interactions")


def weights_figure(weight_bins: pd.DataFrame) -> go.Figure:
    """Weights (counts such as plays) on a log scale: one bar per log-spaced bin
    (``recsys.data.stats.weight_bins``), labelled by the counts it holds."""
    fig = go.Figure(
        go.Bar(
            x=weight_bins["label"],
            y=weight_bins["count"],
            marker_color=ACCENT,
            hovertemplate="weight %{x}: %{y:,} interactions<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")  # bins already log-spaced: equal widths are equal ratios
    return _style(fig, "Weights (plays, clicks ...)", "weight per interaction (log scale)", "interactions")


def timeline_figure(per_month: pd.Series | None) -> go.Figure:
    """Interactions per month; an empty, labelled figure without timestamps."""
    fig = go.Figure()
    if per_month is None or per_month.empty:
        return _empty(fig, "No timestamp column: file order is used", "Interactions over time")
    # Bars centred in their month with an explicit width and range: a dataset spanning a single
    # month otherwise gets a zero-width bar on an axis zoomed in to milliseconds.
    day_ms = 86_400_000
    fig.add_bar(
        x=per_month.index + pd.Timedelta(days=15),
        y=per_month.to_numpy(),
        width=[27 * day_ms] * len(per_month),
        marker_color=ACCENT,
        customdata=per_month.index.strftime("%b %Y"),
        hovertemplate="%{customdata}: %{y:,} interactions<extra></extra>",
    )
    start, end = per_month.index.min(), per_month.index.max() + pd.offsets.MonthBegin(1)
    months = len(pd.period_range(start, per_month.index.max(), freq="M"))
    fig.update_xaxes(range=[start, end], tickformat="%b %Y", dtick="M1" if months <= 12 else None)
    return _style(fig, "Interactions over time", "month", "interactions")


def stats_figures(stats: DatasetStats) -> dict[str, go.Figure]:
    """The Data page's four charts, by name; ``values`` shows ratings, or weights on a log scale."""
    return {
        "long_tail": long_tail_figure(stats.per_item),
        "activity": activity_figure(stats.per_user),
        "values": weights_figure(stats.weight_bins)
        if stats.weight_bins is not None
        else ratings_figure(stats.rating_counts),
        "timeline": timeline_figure(stats.per_month),
    }
