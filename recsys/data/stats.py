"""Dataset statistics for the app and ``python -m recsys stats``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DatasetStats", "dataset_stats", "long_tail_curve", "weight_bins"]


@dataclass(frozen=True)
class DatasetStats:
    """Summary numbers and the distributions the Data page plots.

    Attributes:
        n_users, n_items, n_interactions: Counts (items = items with interactions).
        density: ``n_interactions / (n_users * n_items)``.
        per_user, per_item: Interactions per user / per item, ``[n_users]`` / ``[n_items]``.
        head_share: Share of interactions that go to the most popular 20% of items.
        tail_item_share: Share of items in the long tail (the least popular items that together
            make up the last 20% of interactions).
        rating_counts: Rating value -> count, or ``None`` without ratings.
        weight_bins: Weights (counts such as plays) in log-spaced bins, or ``None`` without
            weights: ``[n_bins]`` rows of ``low``, ``high`` (the bin is ``low <= w < high``),
            ``label`` and ``count`` (``weight_bins``).
        time_start, time_end: First and last timestamp (UTC), or ``None``.
        per_month: Interactions per month, or ``None``.
    """

    n_users: int
    n_items: int
    n_interactions: int
    density: float
    per_user: pd.Series
    per_item: pd.Series
    head_share: float
    tail_item_share: float
    rating_counts: pd.Series | None
    time_start: pd.Timestamp | None
    time_end: pd.Timestamp | None
    per_month: pd.Series | None
    weight_bins: pd.DataFrame | None = None

    def table(self) -> pd.DataFrame:
        """Two columns, ``statistic`` and ``value`` (formatted text), for printing."""

        def dist(s: pd.Series) -> str:
            return f"min {s.min():,}, median {s.median():,.0f}, mean {s.mean():,.1f}, max {s.max():,}"

        rows = [
            ("users", f"{self.n_users:,}"),
            ("items", f"{self.n_items:,}"),
            ("interactions", f"{self.n_interactions:,}"),
            ("density", f"{self.density:.4%}"),
            ("interactions per user", dist(self.per_user)),
            ("interactions per item", dist(self.per_item)),
            ("share of interactions on the top 20% items", f"{self.head_share:.1%}"),
            ("share of items in the long tail (last 20% of interactions)", f"{self.tail_item_share:.1%}"),
        ]
        if self.rating_counts is not None:
            values = ", ".join(f"{k:g}: {v:,}" for k, v in self.rating_counts.head(12).items())
            more = " ..." if len(self.rating_counts) > 12 else ""
            rows.append(("ratings", values + more))
        if self.weight_bins is not None:
            rows.append(("weights (plays, clicks ...) by decade", _decades(self.weight_bins)))
        if self.time_start is not None:
            rows.append(("time span", f"{self.time_start:%Y-%m-%d} to {self.time_end:%Y-%m-%d}"))
        return pd.DataFrame(rows, columns=["statistic", "value"])


def _edge_label(low: float, high: float, whole: bool) -> str:
    if whole:
        return f"{int(low):,}" if high - low <= 1 else f"{int(low):,}–{int(high) - 1:,}"
    return f"{low:.3g}–{high:.3g}"


def weight_bins(weights: pd.Series, per_decade: int = 4) -> pd.DataFrame:
    """Weights counted in log-spaced bins, ``per_decade`` bins per power of ten.

    Bin edges are ``10 ** (k / per_decade)``, rounded up to whole numbers when every weight is
    whole (bins then read ``1``, ``2–3``, ``4–5``, ``6–9``, ``10–17`` ...; powers of ten stay edges);
    zero weights get their own first bin.

    Args:
        weights: ``[n]`` weights of 0 or more.

    Returns:
        ``[n_bins]`` rows of ``low``, ``high`` (``low <= w < high``), ``label``, ``count``.
    """
    w = weights.to_numpy(dtype=float)
    whole = bool(np.all(np.mod(w, 1) == 0))
    pos, rows = w[w > 0], []
    if pos.size:
        first = np.floor(np.log10(pos.min()) * per_decade)
        last = np.floor(np.log10(pos.max()) * per_decade) + 1
        edges = np.round(10 ** (np.arange(first, last + 1) / per_decade), 9)  # 10 ** (4 / 4) is 10.000000000000002
        if whole:
            edges = np.unique(np.ceil(edges))
        counts, _ = np.histogram(pos, bins=edges)
        rows = [(lo, hi, _edge_label(lo, hi, whole), int(c)) for lo, hi, c in zip(edges[:-1], edges[1:], counts)]
    if (w == 0).any():  # up to the first edge, which is at most the smallest positive weight
        rows.insert(0, (0.0, rows[0][0] if rows else 1.0, "0", int((w == 0).sum())))
    return pd.DataFrame(rows, columns=["low", "high", "label", "count"])


def _decades(bins: pd.DataFrame) -> str:
    """``"1–9: 120, 10–99: 80, ..."``: the bins' counts per power of ten."""
    positive = bins[bins["low"] > 0]
    decade = np.floor(np.log10(positive["low"].to_numpy()) + 1e-9).astype(int)
    parts = [f"0: {int(bins.loc[bins['low'] == 0, 'count'].sum()):,}"] if (bins["low"] == 0).any() else []
    whole = bool(np.all(np.mod(bins[["low", "high"]].to_numpy(), 1) == 0))
    for d, count in positive.groupby(decade)["count"].sum().items():
        low = 10.0**d
        span = f"{low:,.0f}–{10 * low - 1:,.0f}" if whole else f"{low:g}–{10 * low:g}"
        parts.append(f"{span}: {count:,}")
    return ", ".join(parts)


def long_tail_curve(per_item: pd.Series) -> pd.DataFrame:
    """Items by popularity rank with the cumulative share of interactions: ``rank, count, cum_share``."""
    counts = np.sort(per_item.to_numpy())[::-1]
    return pd.DataFrame({
        "rank": np.arange(1, len(counts) + 1),
        "count": counts,
        "cum_share": np.cumsum(counts) / max(counts.sum(), 1),
    })


def dataset_stats(interactions: pd.DataFrame) -> DatasetStats:
    """Statistics of a cleaned interactions frame (``user``, ``item``[, ``rating`` or ``weight``][, ``timestamp``])."""
    per_user = interactions.groupby("user", sort=False).size()
    per_item = interactions.groupby("item", sort=False).size()
    n = len(interactions)
    curve = long_tail_curve(per_item)
    top = max(1, int(round(0.2 * len(curve))))
    head_share = float(curve["cum_share"].iloc[top - 1])
    tail_item_share = float((curve["cum_share"].shift(fill_value=0) >= 0.8).mean())
    ratings = None
    if "rating" in interactions:
        ratings = interactions["rating"].value_counts().sort_index()
    weights = weight_bins(interactions["weight"]) if "weight" in interactions else None
    start = end = per_month = None
    if "timestamp" in interactions:
        times = pd.to_datetime(interactions["timestamp"], unit="s", utc=True)
        start, end = times.min(), times.max()
        per_month = times.dt.tz_localize(None).dt.to_period("M").value_counts().sort_index()
        per_month.index = per_month.index.to_timestamp()
    return DatasetStats(
        n_users=len(per_user),
        n_items=len(per_item),
        n_interactions=n,
        density=n / max(len(per_user) * len(per_item), 1),
        per_user=per_user,
        per_item=per_item,
        head_share=head_share,
        tail_item_share=tail_item_share,
        rating_counts=ratings,
        time_start=start,
        time_end=end,
        per_month=per_month,
        weight_bins=weights,
    )
