"""Run comparison figures: two runs' validation NDCG@10 per epoch on one chart."""

from __future__ import annotations

import plotly.graph_objects as go

from recsys.ui.charts.common import PALETTE, plain, style

__all__ = ["compare_curves_figure"]


def compare_curves_figure(curves, best_epochs, names=("run A", "run B")) -> go.Figure:
    """Validation NDCG@10 per epoch of each run (one line each), its kept epoch starred.

    Args:
        curves: Per run, one dict per epoch with ``epoch`` and ``valid_ndcg@10``.
        best_epochs: Per run, the epoch whose weights were kept (or ``None``).
        names: Legend entries, shown as text.
    """
    fig = go.Figure()
    for curve, best, name, colour in zip(curves, best_epochs, names, PALETTE):
        points = [row for row in curve or [] if row.get("valid_ndcg@10") is not None]
        if not points:
            continue
        label = plain(name)
        fig.add_scatter(
            x=[row["epoch"] for row in points],
            y=[row["valid_ndcg@10"] for row in points],
            mode="lines+markers",
            name=label,
            legendgroup=label,
            line={"color": colour, "width": 2.5},
            marker={"size": 7},
            hovertemplate=f"{label}, epoch %{{x}}: NDCG@10 %{{y:.4f}}<extra></extra>",
        )
        kept = next((row for row in points if row["epoch"] == best), None)
        if kept is not None:
            fig.add_scatter(
                x=[best],
                y=[kept["valid_ndcg@10"]],
                mode="markers",
                name=f"{label}: kept weights",
                legendgroup=label,
                showlegend=False,
                marker={"size": 15, "color": colour, "symbol": "star"},
                hovertemplate=f"{label}: kept epoch %{{x}}<extra></extra>",
            )
    last = max((row["epoch"] for curve in curves for row in curve or []), default=0)
    if last:
        fig.update_xaxes(dtick=1 if last <= 20 else None, range=[0.5, last + 0.5])
    fig.update_yaxes(rangemode="tozero")
    return style(fig, "Validation NDCG@10 per epoch (stars: kept weights)", "epoch", "NDCG@10", legend=True)
