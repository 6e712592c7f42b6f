"""Figures of the graph views: the 2-D map of LightGCN vectors."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from recsys.ui.charts.common import pca_map_figure

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
    return pca_map_figure(points, explained, label="label", group="group", fallback=kind,
                          title=f"LightGCN {kind[:-1]} vectors (PCA)", height=520, max_groups=max_groups)
