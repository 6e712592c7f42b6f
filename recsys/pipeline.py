"""One call from data to a leaderboard: split, train the Transformer, fit baselines, evaluate.
Used by the CLI and the app so both report the same numbers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from recsys.data.dataset import Dataset
from recsys.data.split import Split, leave_last_out
from recsys.evaluate.baselines import EASE, ItemKNN, MostPopular, UserKNN
from recsys.evaluate.protocol import HEADLINE_METRICS, PROTOCOL, SequenceScorer, evaluate
from recsys.graph.lightgcn import LightGCN, LightGCNConfig, transformer_inputs
from recsys.model.config import ModelConfig
from recsys.model.features import build_feature_tables
from recsys.train.config import TrainConfig
from recsys.train.fit import TrainResult, fit

__all__ = ["Experiment", "run_experiment", "BASELINES", "MODEL_NAMES", "metrics_json"]

BASELINES = {"pop": MostPopular, "itemknn": ItemKNN, "userknn": UserKNN, "ease": EASE, "lightgcn": LightGCN}
MODEL_NAMES = ("sasrec", "ease", "lightgcn", "itemknn", "userknn", "pop")


@dataclass
class Experiment:
    """Results of ``run_experiment``: the tidy metric table, fit times, the trained model."""

    split: Split
    table: pd.DataFrame
    fit_seconds: dict = field(default_factory=dict)
    result: TrainResult | None = None
    baselines: dict = field(default_factory=dict)

    def leaderboard(self, part: str = "test", metrics=HEADLINE_METRICS) -> pd.DataFrame:
        """Models as rows, chosen metrics as columns, best NDCG@10 first."""
        t = self.table[(self.table["split"] == part) & self.table["metric"].isin(metrics)]
        wide = t.pivot(index="model", columns="metric", values="value")[list(metrics)]
        return wide.sort_values(metrics[0], ascending=False)


def run_experiment(
    dataset: Dataset,
    models=MODEL_NAMES,
    model_config: ModelConfig = ModelConfig(),
    train_config: TrainConfig = TrainConfig(),
    split: Split | None = None,
    text_vectors: np.ndarray | None = None,
    progress=None,
    cancel=None,
    lightgcn_config: LightGCNConfig | None = None,
    strategy=None,
    graph_vectors=None,
    skip=None,
) -> Experiment:
    """Fit and evaluate ``models`` (``sasrec`` is the Transformer) under the default protocol.

    Every baseline, ``lightgcn`` included, is fitted on ``split.train`` (validation for early
    stopping or tuning) and tested with train + validation as history. ``strategy``: a
    ``tf.distribute`` strategy for the Transformer (``recsys.train.fit``). ``graph_vectors``:
    LightGCN vectors for a Transformer with ``use_graph``; if ``None`` they come from the
    ``lightgcn`` baseline when it is among ``models`` (one fit serves both), else ``fit`` fits them.

    ``progress`` also receives ``{"stage": "model", "model": name, "status": "fitting" |
    "evaluating" | "done" | "skipped", "seconds": ...}`` around each model, so each gets its own
    stage in a progress display. ``skip`` (a ``threading.Event``): once set, the baselines not yet
    started are skipped (their rows are missing from the table); the Transformer always runs.
    """
    split = split or leave_last_out(dataset.interactions)
    seconds, result, fitted, tables = {}, None, {}, []
    emit = progress or (lambda event: None)
    share_graph = model_config.use_graph and graph_vectors is None and "sasrec" in models and "lightgcn" in models
    features = build_feature_tables(dataset).item_features  # intra-list diversity reads item categories
    vectors = features[1:] if features is not None else None
    for name in sorted(models, key=lambda n: n != "lightgcn") if share_graph else models:
        if name != "sasrec" and name not in BASELINES:
            raise ValueError(f"Unknown model '{name}'. Choose from {', '.join(MODEL_NAMES)}.")
        if name != "sasrec" and skip is not None and skip.is_set() and not (share_graph and name == "lightgcn"):
            emit({"stage": "model", "model": name, "status": "skipped", "seconds": 0.0})
            continue
        emit({"stage": "model", "model": name, "status": "fitting", "seconds": 0.0})
        t0 = time.perf_counter()
        if name == "sasrec":
            if share_graph:
                graph_vectors = transformer_inputs(fitted["lightgcn"], split.train)
            result = fit(dataset, split, model_config, train_config, text_vectors, progress, cancel,
                         graph_vectors=graph_vectors, strategy=strategy)
            from recsys.recommend import Recommender

            scorer = SequenceScorer(Recommender(result.model, result.tables, model_config.max_len,
                                                result.sequences, model_config.heads, model_config))
        else:
            baseline = LightGCN(lightgcn_config) if name == "lightgcn" else BASELINES[name]()
            scorer = fitted[name] = baseline.fit(split.train, dataset.n_users, dataset.n_items, split.valid)
        seconds[name] = time.perf_counter() - t0
        emit({"stage": "model", "model": name, "status": "evaluating", "seconds": seconds[name]})
        tables.append(evaluate(split, {name: scorer}, dataset.n_items, dataset.n_users, item_vectors=vectors))
        emit({"stage": "model", "model": name, "status": "done", "seconds": time.perf_counter() - t0})
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=["model", "split", "metric", "value"])
    return Experiment(split=split, table=table, fit_seconds=seconds, result=result, baselines=fitted)


def metrics_json(exp: Experiment, dataset: Dataset) -> dict:
    """The ``evaluate`` JSON: protocol, dataset counts, and per model ``valid``/``test`` metrics."""
    models = {}
    for (name, part), group in exp.table.groupby(["model", "split"]):
        models.setdefault(name, {})[part] = dict(zip(group["metric"], group["value"].round(6)))
    for name, secs in exp.fit_seconds.items():
        models.setdefault(name, {})["fit_seconds"] = round(secs, 3)
    if exp.result is not None and "sasrec" in models:
        models["sasrec"]["best_epoch"] = exp.result.best_epoch
    return {
        "protocol": PROTOCOL | {"strategy": exp.split.strategy},
        "dataset": {"users": dataset.n_users, "items": dataset.n_items, "interactions": len(dataset.interactions)},
        "models": models,
    }
