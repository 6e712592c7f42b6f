"""AuditResult: the audit's tables, exportable to JSON and CSV."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from recsys.output.spreadsheet import write_csv

__all__ = ["AuditResult", "JSON_KEYS", "LOWER_IS_BETTER"]

LOWER_IS_BETTER = ("calibration_kl",)  # per-user metrics where a larger value serves the user worse
JSON_KEYS = ("user_groups", "user_gaps", "item_groups", "exposure", "popularity", "calibration", "tradeoff")


def _clean(value):
    """JSON-safe scalars: numpy -> Python, NaN/inf -> None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [_clean(row) for row in frame.to_dict(orient="records")]


@dataclass
class AuditResult:
    """Everything ``audit`` measured.

    Attributes:
        user_groups: One row per user group: ``group, n_users, small_group`` and each metric
            (``hr@k, ndcg@k, recall@k, calibration_kl, coverage@k, popularity_lift``) with
            ``_ci_low`` / ``_ci_high`` bootstrap bounds.
        user_gaps: ``metric, measure, group, value, ci_low, ci_high``: overall values, differences
            and ratios between groups and to overall, each group's gap to the rest of the users,
            ``UserMADranking`` (NDCG) and ``MRED`` (miss rate).
        item_groups: Exposure share against interaction share per item group, for the audited
            item attribute and for popularity (head/mid/tail); column ``attribute`` tells which.
        exposure: ``gini`` (slots), ``gini_position_weighted``, ``coverage``, ``items_recommended``, ``k``.
        popularity: ``arp``, ``aplt``, ``pop_reo``, ``pop_rsp``, ``popularity_lift``, ``history_arp``,
            short-head and long-tail sizes.
        calibration: ``kl_mean``, ``kl_median``, ``users`` (with a categorised history), ``attribute``, ``alpha``.
        tradeoff: One row per (re-ranker, lambda): ``reranker, lambda, target, target_value``,
            ``ndcg@k``, the fairness metrics and ``ndcg_drop``.
        per_user: One row per audited user: id, group, test item and per-user values.
        settings: Attribute, k, bootstrap settings and the protocol.
    """

    user_groups: pd.DataFrame
    user_gaps: pd.DataFrame
    item_groups: pd.DataFrame
    exposure: dict
    popularity: dict
    calibration: dict
    tradeoff: pd.DataFrame
    per_user: pd.DataFrame = field(default_factory=pd.DataFrame)
    settings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The JSON document: exactly the keys in ``JSON_KEYS`` (tables as lists of records)."""
        return {
            "user_groups": _records(self.user_groups),
            "user_gaps": _records(self.user_gaps),
            "item_groups": _records(self.item_groups),
            "exposure": _clean(self.exposure),
            "popularity": _clean(self.popularity),
            "calibration": _clean(self.calibration),
            "tradeoff": _records(self.tradeoff),
        }

    def to_json(self, path=None, indent: int = 2) -> str:
        """The JSON text; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=indent)
        if path is not None:
            Path(path).write_text(text)
        return text

    def summary(self) -> pd.DataFrame:
        """``section, name, value`` rows of the scalar results (exposure, popularity, calibration)."""
        rows = [(section, name, value) for section in ("exposure", "popularity", "calibration")
                for name, value in getattr(self, section).items()]
        return pd.DataFrame(rows, columns=["section", "name", "value"])

    def to_csv(self, folder) -> list[Path]:
        """Write one spreadsheet-safe CSV per table (and ``summary.csv``, ``settings.json``) into ``folder``
        (``recsys.output.spreadsheet.write_csv``: a group or item named like a formula is quoted)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tables = {"user_groups": self.user_groups, "user_gaps": self.user_gaps, "item_groups": self.item_groups,
                  "tradeoff": self.tradeoff, "per_user": self.per_user, "summary": self.summary()}
        paths = []
        for name, frame in tables.items():
            paths.append(folder / f"{name}.csv")
            write_csv(frame, paths[-1])
        paths.append(folder / "settings.json")
        paths[-1].write_text(json.dumps(_clean(self.settings), indent=2))
        return paths

    def under_served(self, metric: str | None = None) -> pd.DataFrame:
        """Groups served worse than the rest of the users beyond doubt: their gap to the other users
        has the whole bootstrap interval on the bad side of 0 (below 0; above 0 for metrics where
        lower is better, ``LOWER_IS_BETTER``), worst first. ``metric`` defaults to ``ndcg@k``."""
        metric = metric or f"ndcg@{self.settings.get('k', 10)}"
        g = self.user_gaps
        rows = g[(g["metric"] == metric) & (g["measure"] == "gap_to_rest")]
        if metric in LOWER_IS_BETTER:
            return rows[rows["ci_low"] > 0].sort_values("value", ascending=False).reset_index(drop=True)
        return rows[rows["ci_high"] < 0].sort_values("value").reset_index(drop=True)
