"""Fairness page figures: group metrics with intervals, exposure against interactions, Lorenz
curves, calibration, and the re-ranking trade-off. Group names and attribute names come from the
user's files, so every one of them goes through ``plain`` (shown as text, never as HTML)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from recsys.ui.charts.common import ACCENT, MUTED, NEGATIVE, plain, short, style

__all__ = ["calibration_figure", "exposure_share_figure", "group_metric_figure", "lorenz_figure", "tradeoff_figure"]

SMALL = "#91a7ff"  # a lighter accent for groups too small to trust
UNDER = NEGATIVE


def group_metric_figure(table: pd.DataFrame, metric: str, label: str, overall: float, *, under=(),
                        title: str = "") -> go.Figure:
    """One bar per user group with its bootstrap interval, and the overall value as a line.

    Args:
        table: ``AuditResult.user_groups``: ``group, n_users, small_group, <metric>,
            <metric>_ci_low, <metric>_ci_high``.
        metric: Column to draw. label: Its name on the axis (e.g. ``"NDCG@10"``).
        overall: The value over all audited users.
        under: Groups to mark as under-served (drawn in orange).
    """
    value = table[metric].to_numpy(float)
    lo, hi = table[f"{metric}_ci_low"].to_numpy(float), table[f"{metric}_ci_high"].to_numpy(float)
    has_ci = np.isfinite(lo).any()
    groups = [short(g, 22) for g in table["group"]]
    colours = [UNDER if g in set(under) else SMALL if small else ACCENT
               for g, small in zip(table["group"], table["small_group"])]
    fig = go.Figure(
        go.Bar(
            x=groups,
            y=value,
            marker_color=colours,
            error_y={"type": "data", "symmetric": False, "array": np.nan_to_num(hi - value),
                     "arrayminus": np.nan_to_num(value - lo), "color": "#495057", "thickness": 1.5, "width": 6,
                     "visible": bool(has_ci)},
            customdata=np.c_[table["n_users"].to_numpy(), lo, hi, [plain(g) for g in table["group"]]],
            hovertemplate=(f"%{{customdata[3]}}: {plain(label)} %{{y:.4f}}<br>95% interval "
                           "[%{customdata[1]:.4f}, %{customdata[2]:.4f}]<br>%{customdata[0]} users<extra></extra>"),
        )
    )
    title = title or f"{plain(label)} by group"
    if np.isfinite(overall):  # in the title, not on the plot: a label there would sit on some group's bar
        fig.add_hline(y=overall, line={"color": MUTED, "dash": "dash", "width": 1.5})
        title += f"  <span style='font-size:12px;color:#868e96'>(dashed: all users, {overall:.4f})</span>"
    fig.update_xaxes(type="category")
    return style(fig, title, "", plain(label), height=360)


def exposure_share_figure(table: pd.DataFrame, title: str) -> go.Figure:
    """Share of top-K slots against share of interactions, per item group (grouped bars).

    Args:
        table: Rows of ``AuditResult.item_groups`` for one attribute: ``group,
            interaction_share, exposure_share, exposure_ratio, n_items``.
    """
    groups = [short(g, 18) for g in table["group"]]
    custom = np.c_[table["exposure_ratio"].to_numpy(float), table["n_items"].to_numpy(float),
                   [plain(g) for g in table["group"]]]
    fig = go.Figure()
    fig.add_bar(x=groups, y=table["interaction_share"], name="share of interactions", marker_color=MUTED,
                customdata=custom,
                hovertemplate="%{customdata[2]}: %{y:.1%} of interactions<br>%{customdata[1]:.0f} items<extra></extra>")
    fig.add_bar(x=groups, y=table["exposure_share"], name="share of top-K slots", marker_color=ACCENT,
                customdata=custom,
                hovertemplate="%{customdata[2]}: %{y:.1%} of the recommendation slots<br>"
                              "exposure / interactions = %{customdata[0]:.2f}<extra></extra>")
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return style(fig, title, "", "share", height=360, legend=True)


def _thin(x: np.ndarray, y: np.ndarray, points: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """At most ``points`` points of a curve (a catalogue of 100,000 items draws as fast as 400)."""
    if len(x) <= points:
        return x, y
    keep = np.unique(np.r_[np.linspace(0, len(x) - 1, points).astype(int), len(x) - 1])
    return x[keep], y[keep]


def lorenz_figure(curves: dict[str, tuple[np.ndarray, np.ndarray, float]], title: str = "Lorenz curve of exposure"
                  ) -> go.Figure:
    """Lorenz curves of item exposure against the line of equal exposure.

    Args:
        curves: ``name -> (x, y, gini)`` from ``recsys.fairness.exposure_lorenz`` (first = main).
    """
    fig = go.Figure()
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="equal exposure", line={"color": MUTED, "dash": "dot"},
                    hoverinfo="skip")
    colours = [ACCENT, NEGATIVE, "#2b8a3e"]
    for j, (name, (x, y, g)) in enumerate(curves.items()):
        x, y = _thin(np.asarray(x), np.asarray(y))
        fig.add_scatter(x=x, y=y, mode="lines", name=f"{plain(name)} (Gini {g:.3f})",
                        line={"color": colours[j % len(colours)], "width": 2.5},
                        fill="tonexty" if j == 0 else None, fillcolor="rgba(59, 91, 219, 0.08)",
                        hovertemplate="the least shown %{x:.0%} of items get %{y:.1%} of the slots<extra></extra>")
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return style(fig, title, "items, least shown first", "share of top-K slots", height=360, legend=True)


def calibration_figure(profile: pd.DataFrame, title: str) -> go.Figure:
    """The users' mean category mix in their histories against in their top-K lists.

    Args:
        profile: ``recsys.fairness.calibration_profile``: ``category, history_share, list_share``.
    """
    cats = [short(c, 18) for c in profile["category"]]
    names = [plain(c) for c in profile["category"]]
    fig = go.Figure()
    fig.add_bar(x=cats, y=profile["history_share"], name="in the histories", marker_color=MUTED, customdata=names,
                hovertemplate="%{customdata}: %{y:.1%} of the histories<extra></extra>")
    fig.add_bar(x=cats, y=profile["list_share"], name="in the top-K lists", marker_color=ACCENT, customdata=names,
                hovertemplate="%{customdata}: %{y:.1%} of the lists<extra></extra>")
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return style(fig, title, "", "mean share per user", height=360, legend=True)


def tradeoff_figure(curve: pd.DataFrame, target: str, target_label: str, accuracy: str, lam: float,
                    title: str) -> go.Figure:
    """Accuracy against the re-ranker's target metric as lambda goes from 0 to 1.

    Args:
        curve: Rows of ``AuditResult.tradeoff`` for one re-ranker (``lambda``, ``target``, ``accuracy``).
        target: Column of the target metric. accuracy: Column of the accuracy metric (``ndcg@10``).
        lam: The chosen lambda (highlighted).
    """
    curve = curve.sort_values("lambda")
    fig = go.Figure()
    fig.add_scatter(
        x=curve[target], y=curve[accuracy], mode="lines+markers+text", name="lambda 0 -> 1",
        text=[f"λ {v:g}" if np.isclose(v, [0.0, 0.5, 1.0]).any() else "" for v in curve["lambda"]],
        textposition="top center", textfont={"size": 11, "color": "#868e96"},
        line={"color": MUTED, "width": 2}, marker={"size": 8, "color": ACCENT},
        customdata=curve["lambda"],
        hovertemplate=f"λ %{{customdata:g}}: {target_label} %{{x:.4f}}, {accuracy.upper()} %{{y:.4f}}<extra></extra>",
    )
    chosen = curve[np.isclose(curve["lambda"], lam)]
    if len(chosen):
        fig.add_scatter(x=chosen[target], y=chosen[accuracy], mode="markers", name=f"λ = {lam:g}",
                        marker={"size": 18, "color": NEGATIVE, "symbol": "star"}, hoverinfo="skip")
    return style(fig, title, target_label, accuracy.upper(), height=380, legend=True)
