"""Explanations across users: mean |SHAP| bars and a beeswarm of side-feature SHAP values over
a sample of (user, recommended item) pairs. Every label goes through ``plain`` (shown as text)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from recsys.ui.charts.common import ACCENT, MUTED, NEGATIVE, plain, short, style

CATEGORICAL = "#495057"  # dots of features with no numeric value (text, categories, user attributes)
LOW, HIGH = "#1864ab", "#c2255c"  # numeric features: low to high value

__all__ = ["side_beeswarm_figure", "side_importance_figure"]

_SD = re.compile(r"^([+-]?\d+(?:\.\d+)?) sd$")  # numeric side features: "+0.53 sd"


def side_importance_figure(table: pd.DataFrame) -> go.Figure:
    """Mean |SHAP| per side feature, largest at the top; hover adds the mean signed value.

    Args:
        table: ``GlobalSummary.side_table()``: ``feature``, ``mean_abs_shap``, ``mean_shap``, ``present``.
    """
    fig = go.Figure(
        go.Bar(
            x=table["mean_abs_shap"],
            y=[short(f, 30) for f in table["feature"]],
            orientation="h",
            marker_color=[ACCENT if v >= 0 else NEGATIVE for v in table["mean_shap"]],
            customdata=np.c_[table["mean_shap"], 100 * table["present"]],
            hovertemplate="%{y}: mean |SHAP| %{x:.3f}, mean SHAP %{customdata[0]:+.3f}, "
            "present for %{customdata[1]:.0f}% of the items<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", tickfont={"size": 11})
    return style(fig, "Side features by mean |SHAP|", "mean |SHAP value| (change in score)", "",
                 height=max(260, 80 + 30 * len(table)))


def _numeric(data: np.ndarray) -> np.ndarray | None:
    matches = [_SD.match(str(d)) for d in data]
    return np.array([float(m.group(1)) for m in matches]) if all(matches) else None


def side_beeswarm_figure(values: np.ndarray, data: np.ndarray, features: list[str], pairs: list[str],
                         order: list[str], absent: str = "(none)", seed: int = 0) -> go.Figure:
    """One dot per (pair, side feature): its SHAP value, jittered within the feature's row.

    Args:
        values: ``[n_pairs, P]`` SHAP values. data: ``[n_pairs, P]`` feature values as text.
        features: The P feature names. pairs: ``[n_pairs]`` labels (user and item) for the hover.
        order: Feature names top to bottom (most important first).
        absent: Data value of a feature the item lacks (drawn grey).

    Numeric features (``+0.53 sd``) are coloured by their value (blue low, magenta high); the
    others dark grey.
    """
    rng = np.random.default_rng(seed)
    values, data = np.asarray(values, dtype=float), np.asarray(data, dtype=object)
    fig = go.Figure()
    pairs = [plain(p) for p in pairs]
    scale_shown = False
    for row, name in enumerate(order):
        j = features.index(name)
        present = data[:, j] != absent
        y = row + rng.uniform(-0.28, 0.28, size=len(values))
        for mask, muted in ((~present, True), (present, False)):
            if not mask.any():
                continue
            numeric = None if muted else _numeric(data[mask, j])
            marker = {"size": 6, "opacity": 0.75, "color": MUTED if muted else CATEGORICAL}
            if numeric is not None:
                marker |= {"color": numeric, "colorscale": [[0, LOW], [0.5, "#dee2e6"], [1, HIGH]],
                           "cmin": -2.0, "cmax": 2.0, "showscale": not scale_shown,
                           "colorbar": {"title": {"text": "value (sd)"}, "thickness": 10}}
                scale_shown = True
            fig.add_scattergl(
                x=values[mask, j],
                y=y[mask],
                mode="markers",
                marker=marker,
                customdata=np.c_[[plain(name)] * int(mask.sum()), [plain(d) for d in data[mask, j]],
                                 np.asarray(pairs, dtype=object)[mask]],
                hovertemplate="%{customdata[0]} = %{customdata[1]}<br>%{customdata[2]}<br>SHAP %{x:+.3f}"
                "<extra></extra>",
            )
    fig.add_vline(x=0, line_width=1, line_color=MUTED)
    fig.update_yaxes(tickmode="array", tickvals=list(range(len(order))), ticktext=[short(n, 30) for n in order],
                     autorange="reversed", zeroline=False)
    return style(fig, "SHAP value of each side feature, one dot per recommendation", "SHAP value (change in score)",
                 "", height=max(300, 90 + 42 * len(order)))
