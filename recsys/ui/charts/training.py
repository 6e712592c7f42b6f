"""Training figures: the loss per batch and per epoch, validation NDCG@10 per epoch."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from recsys.ui.charts.common import ACCENT, MUTED, NEGATIVE, style

__all__ = ["loss_figure", "ndcg_figure"]


def _empty(fig: go.Figure, text: str) -> go.Figure:
    fig.add_annotation(
        text=text, showarrow=False, font={"size": 13, "color": "#868e96"}, x=0.5, y=0.5, xref="paper", yref="paper"
    )
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    return fig


def loss_figure(curve: list[dict], batches: list[tuple[float, float]] | None = None) -> go.Figure:
    """Training loss: every batch (thin line, x in epochs) and the mean per epoch (markers).

    Args:
        curve: One dict per finished epoch with ``epoch`` and ``loss``.
        batches: ``(step, loss)`` per batch, ``step`` counted in epochs (1.5 = halfway through epoch 2).
    """
    fig = go.Figure()
    if batches:
        steps, losses = np.array(batches, dtype=float).T
        fig.add_scatter(
            x=steps,
            y=losses,
            mode="lines",
            name="batch",
            line={"color": MUTED, "width": 1},
            hovertemplate="epoch %{x:.2f}: loss %{y:.3f}<extra></extra>",
        )
    if curve:
        fig.add_scatter(
            x=[row["epoch"] for row in curve],
            y=[row["loss"] for row in curve],
            mode="lines+markers",
            name="epoch mean",
            line={"color": ACCENT, "width": 2.5},
            marker={"size": 8},
            hovertemplate="epoch %{x}: mean loss %{y:.3f}<extra></extra>",
        )
    if not batches and not curve:
        _empty(fig, "The loss appears after the first batch")
    fig.update_xaxes(rangemode="tozero")
    return style(fig, "Training loss", "epoch", "loss", legend=bool(batches and curve))


def ndcg_figure(curve: list[dict], best_epoch: int | None = None) -> go.Figure:
    """Validation NDCG@10 after each epoch; the kept (best) epoch is marked."""
    fig = go.Figure()
    if curve:
        epochs = [row["epoch"] for row in curve]
        fig.add_scatter(
            x=epochs,
            y=[row["valid_ndcg@10"] for row in curve],
            mode="lines+markers",
            line={"color": ACCENT, "width": 2.5},
            marker={"size": 8},
            name="validation NDCG@10",
            hovertemplate="epoch %{x}: NDCG@10 %{y:.4f}<extra></extra>",
        )
        if best_epoch:
            best = next((row for row in curve if row["epoch"] == best_epoch), None)
            if best is not None:
                fig.add_scatter(
                    x=[best_epoch],
                    y=[best["valid_ndcg@10"]],
                    mode="markers",
                    name="kept weights",
                    marker={"size": 15, "color": NEGATIVE, "symbol": "star"},
                    hovertemplate="kept: epoch %{x}<extra></extra>",
                )
        fig.update_xaxes(dtick=1 if len(epochs) <= 20 else None, range=[0.5, max(epochs) + 0.5])
        fig.update_yaxes(rangemode="tozero")
    else:
        _empty(fig, "Validation NDCG@10 appears after the first epoch")
    return style(fig, "Validation NDCG@10 per epoch", "epoch", "NDCG@10", legend=bool(curve and best_epoch))
