"""Two saved runs side by side: what differs in their settings, every model's metrics with the
difference, their validation curves, and one user's top-K from each.

Everything but the top-K is read from the runs' ``run.json`` (no model is loaded), so a
comparison costs milliseconds. Runs saved by the app keep every model's metrics
(``{"models": {name: {"valid": ..., "test": ...}}}``); runs saved by ``python -m recsys train``
keep the Transformer's only (``{"valid": ..., "test": ...}``): both are read.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from recsys.errors import RecLensError
from recsys.evaluate.protocol import HEADLINE_METRICS

__all__ = ["NOT_A_RUN", "UNKNOWN_USER", "RunComparison", "TopKComparison", "compare_runs", "compare_top_k", "run_models", "run_record"]

NOT_A_RUN = "'{path}' is not a RecLens run (no readable run.json). Give a run folder written by training."
UNKNOWN_USER = "User '{user}' is not in the data of run '{path}'. Pick a user id that both runs know."
MODEL_ORDER = ("sasrec", "ease", "lightgcn", "itemknn", "userknn", "pop")
# Settings read from run.json: (section, label, path of keys).
_FACTS = (
    ("data", "dataset", ("dataset", "name")),
    ("data", "users", ("dataset", "users")),
    ("data", "items", ("dataset", "items")),
    ("data", "interactions", ("dataset", "interactions")),
    ("run", "created", ("created",)),
    ("run", "epochs trained", None),
    ("run", "best epoch", ("best_epoch",)),
    ("run", "stopped by the time limit", ("stopped_for_time",)),
    ("run", "cancelled", ("cancelled",)),
    ("run", "fit seconds", ("fit_seconds",)),
)


def run_record(run) -> dict:
    """The ``run.json`` record of a ``Run`` (its ``info``), a record dict, or a run folder."""
    if isinstance(run, dict):
        return run
    if hasattr(run, "info") and isinstance(run.info, dict):
        return run.info
    try:
        return json.loads((Path(run) / "run.json").read_text())
    except (OSError, ValueError) as err:
        raise RecLensError(NOT_A_RUN.format(path=run)) from err


def run_models(record: dict) -> dict:
    """``model name -> {"valid": {...}, "test": {...}, "fit_seconds": ...}`` of a run record."""
    metrics = record.get("metrics") or {}
    if "models" in metrics:
        return metrics["models"]
    return {"sasrec": metrics} if metrics.get("test") or metrics.get("valid") else {}


def _get(record: dict, keys):
    value = record
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _text(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if not value.is_integer() or abs(value) >= 1e6 else str(int(value))
    return str(value)


def _text_encoder(record: dict) -> str | None:
    info = record.get("info") or {}
    text = info.get("text") or info.get("text_encoder") or {}
    return text.get("name") if isinstance(text, dict) else None


def _settings_rows(record: dict) -> dict:
    rows = {}
    for section, label, keys in _FACTS:
        rows[(section, label)] = len(record.get("curve") or []) if keys is None else _get(record, keys)
    for section, config in (("model", "model_config"), ("training", "train_config")):
        for key, value in sorted((record.get(config) or {}).items()):
            rows[(section, key)] = value
    rows[("model", "text encoder")] = _text_encoder(record)
    return rows


def _settings(a: dict, b: dict) -> pd.DataFrame:
    rows_a, rows_b = _settings_rows(a), _settings_rows(b)
    keys = list(dict.fromkeys([*rows_a, *rows_b]))
    frame = pd.DataFrame(
        [(s, name, _text(rows_a.get((s, name))), _text(rows_b.get((s, name)))) for s, name in keys],
        columns=["section", "setting", "run A", "run B"],
    )
    frame["changed"] = frame["run A"] != frame["run B"]
    return frame


def _model_order(names) -> list[str]:
    return sorted(names, key=lambda n: (MODEL_ORDER.index(n) if n in MODEL_ORDER else len(MODEL_ORDER), n))


def _metric_order(names) -> list[str]:
    """The headline metrics in their usual order, then the others alphabetically."""
    return [m for m in HEADLINE_METRICS if m in names] + sorted(set(names) - set(HEADLINE_METRICS))


def _metrics(a: dict, b: dict, part: str, metrics) -> pd.DataFrame:
    models_a, models_b = run_models(a), run_models(b)
    rows = []
    for model in _model_order(set(models_a) | set(models_b)):
        values_a = (models_a.get(model) or {}).get(part) or {}
        values_b = (models_b.get(model) or {}).get(part) or {}
        names = metrics or _metric_order(set(values_a) | set(values_b))
        for metric in names:
            va, vb = values_a.get(metric), values_b.get(metric)
            va = math.nan if va is None else float(va)
            vb = math.nan if vb is None else float(vb)
            rows.append((model, metric, va, vb, vb - va))
    return pd.DataFrame(rows, columns=["model", "metric", "run A", "run B", "difference"])


@dataclass
class RunComparison:
    """What ``compare_runs`` returns.

    Attributes:
        settings: One row per setting: ``section`` (data, run, model, training), ``setting``,
            ``run A``, ``run B`` (as text, "–" where a run does not record it) and ``changed``.
        metrics: One row per model and metric: ``model``, ``metric``, ``run A``, ``run B`` and
            ``difference`` (B - A; NaN where a run did not measure it).
        curves: The two runs' training curves (one dict per epoch: ``epoch``, ``loss``,
            ``valid_ndcg@10``, ...), A first.
        best_epochs: The epoch whose weights each run kept.
        created: When each run was saved.
    """

    settings: pd.DataFrame
    metrics: pd.DataFrame
    curves: tuple[list, list] = ([], [])
    best_epochs: tuple = (None, None)
    created: tuple = ("", "")

    @property
    def changed(self) -> pd.DataFrame:
        """The settings that differ between the two runs."""
        return self.settings[self.settings["changed"]].reset_index(drop=True)

    def to_dict(self) -> dict:
        """JSON-ready: settings, metrics (NaN as ``None``), curves, best epochs."""
        metrics = self.metrics.astype(object).where(self.metrics.notna(), None)
        return {
            "created": list(self.created),
            "best_epochs": list(self.best_epochs),
            "settings": self.settings.to_dict(orient="records"),
            "metrics": metrics.to_dict(orient="records"),
            "curves": {"A": self.curves[0], "B": self.curves[1]},
        }


def compare_runs(run_a, run_b, *, part: str = "test", metrics=None) -> RunComparison:
    """Compare two runs: their settings, every model's metrics with the difference, their curves.

    Args:
        run_a, run_b: A ``Run`` (``recsys.train.load_run``), a run folder or a ``run.json`` record.
        part: ``"test"`` or ``"valid"`` metrics.
        metrics: Metric names to keep (e.g. ``("ndcg@10", "hr@10")``); ``None`` keeps every metric
            either run recorded.

    Raises:
        RecLensError: a folder is not a run.
    """
    a, b = run_record(run_a), run_record(run_b)
    return RunComparison(
        settings=_settings(a, b),
        metrics=_metrics(a, b, part, metrics),
        curves=(list(a.get("curve") or []), list(b.get("curve") or [])),
        best_epochs=(a.get("best_epoch"), b.get("best_epoch")),
        created=(a.get("created", ""), b.get("created", "")),
    )


@dataclass
class TopKComparison:
    """One user's top-K from two runs: each list with ``other rank``, the item's rank in the other
    list (NaN when it is not there)."""

    a: pd.DataFrame
    b: pd.DataFrame
    shared: list = field(default_factory=list)

    @property
    def overlap(self) -> int:
        """How many items are in both lists."""
        return len(self.shared)


def compare_top_k(recs_a: pd.DataFrame, recs_b: pd.DataFrame) -> TopKComparison:
    """Mark the items two top-K lists share.

    Args:
        recs_a, recs_b: ``Recommender.recommend`` frames (``rank, item_id, title, score``).
    """
    rank_a = dict(zip(recs_a["item_id"], recs_a["rank"]))
    rank_b = dict(zip(recs_b["item_id"], recs_b["rank"]))

    def marked(recs: pd.DataFrame, other: dict) -> pd.DataFrame:
        out = recs.reset_index(drop=True).copy()
        out["other rank"] = [float(other.get(i, np.nan)) for i in out["item_id"]]
        return out

    shared = [i for i in recs_a["item_id"] if i in rank_b]
    return TopKComparison(marked(recs_a, rank_b), marked(recs_b, rank_a), shared)
