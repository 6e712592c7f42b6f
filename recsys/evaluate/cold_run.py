"""One call from data to the cold-item tables: the cold split (``recsys.evaluate.cold``), the
Transformer and the baselines trained on its warm part, the content references, every model
measured per group. Used by ``python -m recsys evaluate --cold-items`` and ``benchmarks/cold_start.py``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from recsys.data.dataset import Dataset
from recsys.evaluate.cold import COLD_PROTOCOL, ColdSplit, cold_item_split, evaluate_cold
from recsys.evaluate.content import CONTENT_REFERENCES, CategoryPopularity, TextKNN, TextProfile
from recsys.evaluate.ease_text import NO_TEXT
from recsys.evaluate.protocol import SequenceScorer
from recsys.evaluate.registry import BASELINES, NEEDS_TEXT, make_baseline
from recsys.graph.lightgcn import LightGCNConfig
from recsys.model.config import ModelConfig
from recsys.model.features import build_feature_tables
from recsys.recommend import Recommender
from recsys.train.config import TrainConfig
from recsys.train.fit import TrainResult, fit

__all__ = ["COLD_MODELS", "ColdExperiment", "NO_CATEGORIES", "cold_json", "run_cold_experiment"]

COLD_MODELS = ("sasrec", "ease_text", *CONTENT_REFERENCES, "ease", "pop")  # the CLI's default under --cold-items
NO_CATEGORIES = (
    "category_pop needs item categories (an items file with a categorical or multi-valued column); it was skipped."
)
_NEEDS_TEXT = NEEDS_TEXT | {"text_profile", "text_knn"}


@dataclass
class ColdExperiment:
    """Results of ``run_cold_experiment``: the tidy table (``evaluate_cold``), fit times, the trained
    Transformer (or ``None``) and ``notes`` (model name -> why it was skipped)."""

    split: ColdSplit
    table: pd.DataFrame
    fit_seconds: dict = field(default_factory=dict)
    result: TrainResult | None = None
    notes: dict = field(default_factory=dict)


def _categories(dataset: Dataset) -> np.ndarray | None:
    features = build_feature_tables(dataset).item_features if dataset.items is not None else None
    return features[1:] if features is not None else None


def _skip_notes(models, text_vectors, categories) -> dict:
    notes = {}
    for name in models:
        if name in _NEEDS_TEXT and text_vectors is None:
            notes[name] = NO_TEXT.replace("ease_text", name)
        elif name == "category_pop" and categories is None:
            notes[name] = NO_CATEGORIES
    return notes


def _scorer(name, dataset, split, model_config, train_config, text_vectors, categories, progress, lightgcn_config):
    """A fitted scorer for ``name`` (and the Transformer's ``TrainResult`` for ``sasrec``)."""
    train, valid = split.warm.train, split.warm.valid
    if name == "sasrec":
        result = fit(dataset, split.warm, model_config, train_config, text_vectors, progress)
        rec = Recommender(
            result.model, result.tables, model_config.max_len, result.sequences, model_config.heads, model_config
        )
        return SequenceScorer(rec), result
    if name in ("text_profile", "text_knn"):
        return (TextProfile if name == "text_profile" else TextKNN)(text_vectors), None
    if name == "category_pop":
        return CategoryPopularity(categories).fit(train, dataset.n_users, dataset.n_items, valid), None
    if name not in BASELINES:
        known = ", ".join(("sasrec", *BASELINES, *CONTENT_REFERENCES))
        raise ValueError(f"Unknown model '{name}'. Choose from {known}.")
    return make_baseline(name, lightgcn_config, text_vectors).fit(train, dataset.n_users, dataset.n_items, valid), None


def run_cold_experiment(
    dataset: Dataset,
    models=COLD_MODELS,
    model_config: ModelConfig = ModelConfig(),
    train_config: TrainConfig = TrainConfig(),
    share: float = 0.2,
    seed: int = 0,
    text_vectors: np.ndarray | None = None,
    progress=None,
    lightgcn_config: LightGCNConfig | None = None,
    split: ColdSplit | None = None,
    parts=("test",),
) -> ColdExperiment:
    """Fit ``models`` on the warm part of a cold-item split and measure each group.

    ``models``: ``sasrec`` (the Transformer; cold items are scored from their text and categories,
    their id vectors never trained), any ``BASELINES`` name, and ``text_profile``, ``text_knn``,
    ``category_pop`` (``recsys.evaluate.content``). Those needing ``text_vectors`` (or item
    categories) are skipped with a note when they are missing. ``split``: a ``ColdSplit`` to reuse
    (else ``cold_item_split(dataset.interactions, share, seed)``).
    """
    split = split or cold_item_split(dataset.interactions, share, seed)
    categories = _categories(dataset)
    notes = _skip_notes(models, text_vectors, categories)
    emit = progress or (lambda event: None)
    seconds, result, tables = {}, None, []
    for name in models:
        if name in notes:
            emit({"stage": "model", "model": name, "status": "skipped", "seconds": 0.0, "note": notes[name]})
            continue
        emit({"stage": "model", "model": name, "status": "fitting", "seconds": 0.0})
        t0 = time.perf_counter()
        scorer, trained = _scorer(
            name, dataset, split, model_config, train_config, text_vectors, categories, progress, lightgcn_config
        )
        result = trained or result
        seconds[name] = time.perf_counter() - t0
        emit({"stage": "model", "model": name, "status": "evaluating", "seconds": seconds[name]})
        tables.append(evaluate_cold(split, {name: scorer}, parts=parts))
        emit({"stage": "model", "model": name, "status": "done", "seconds": time.perf_counter() - t0})
    columns = ["model", "split", "group", "metric", "value", "users"]
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)
    return ColdExperiment(split=split, table=table, fit_seconds=seconds, result=result, notes=notes)


def cold_json(exp: ColdExperiment, dataset: Dataset) -> dict:
    """The ``evaluate --cold-items`` JSON: protocol, split counts, and per model, part and group the metrics."""
    models: dict = {}
    for (name, part, group), rows in exp.table.groupby(["model", "split", "group"]):
        entry = dict(zip(rows["metric"], rows["value"].round(6)))
        models.setdefault(name, {}).setdefault(part, {})[group] = entry | {"users": int(rows["users"].iloc[0])}
    for name, secs in exp.fit_seconds.items():
        models.setdefault(name, {})["fit_seconds"] = round(secs, 3)
    if exp.result is not None and "sasrec" in models:
        models["sasrec"]["best_epoch"] = exp.result.best_epoch
    s = exp.split
    return {
        "protocol": COLD_PROTOCOL | s.params,
        "dataset": {"users": dataset.n_users, "items": dataset.n_items, "interactions": len(dataset.interactions)},
        "split": {
            "cold_valid_items": len(s.valid_items),
            "cold_test_items": len(s.test_items),
            "cold_valid_interactions": len(s.cold_valid),
            "cold_test_interactions": len(s.cold_test),
            "warm_train": len(s.warm.train),
            "warm_valid": len(s.warm.valid),
            "warm_test": len(s.warm.test),
        },
        "notes": exp.notes,
        "models": models,
    }
