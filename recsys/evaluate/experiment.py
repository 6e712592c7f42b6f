"""One call from data to a leaderboard: split, train the Transformer, fit baselines, evaluate.
Used by the CLI and the app so both report the same numbers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from recsys.data.dataset import Dataset
from recsys.data.split import Split, make_split
from recsys.evaluate.protocol import HEADLINE_METRICS, SequenceScorer, evaluate, protocol
from recsys.evaluate.registry import (
    BASELINE_ORDER,
    BASELINES,
    DEFAULT_BASELINES,
    MODEL_NAMES,
    make_baseline,
    skip_notes,
)
from recsys.graph.lightgcn import LightGCNConfig, transformer_inputs
from recsys.model.config import ModelConfig
from recsys.model.features import build_feature_tables
from recsys.recommend import Recommender
from recsys.train.config import TrainConfig
from recsys.train.fit import TrainResult, fit

__all__ = ["Experiment", "run_experiment", "TrainSettings", "metrics_json", "save_experiment", "text_encoder_available"]


def text_encoder_available() -> bool:
    """True when ``recsys.text`` (pretrained item-text vectors) can be used."""
    try:
        from recsys.text import encode_items  # noqa: F401
    except ImportError:
        return False
    return True



@dataclass(frozen=True)
class TrainSettings:
    """What the Train page sets (and ``python -m recsys demo-run`` uses): the model, training and
    baseline choices; the rest of ``ModelConfig`` / ``TrainConfig`` keeps its defaults."""

    dim: int = ModelConfig.dim
    blocks: int = ModelConfig.blocks
    heads: int = ModelConfig.heads
    max_len: int = ModelConfig.max_len
    epochs: int = TrainConfig.epochs
    learning_rate: float = TrainConfig.learning_rate
    use_text: bool = True
    use_graph: bool = False
    target_attention: bool = ModelConfig.target_attention
    batch_size: int = TrainConfig.batch_size
    max_eval_users: int | None = TrainConfig.max_eval_users
    time_limit_s: float | None = TrainConfig.time_budget_s
    baselines: tuple[str, ...] = DEFAULT_BASELINES
    lightgcn_epochs: int = LightGCNConfig.epochs
    split: str = TrainConfig.split

    def model_config(self) -> ModelConfig:
        return ModelConfig(
            max_len=self.max_len, dim=self.dim, heads=self.heads, blocks=self.blocks, use_text=self.use_text,
            use_graph=self.use_graph, target_attention=self.target_attention,
        )

    def train_config(self) -> TrainConfig:
        return TrainConfig(
            epochs=self.epochs,
            learning_rate=self.learning_rate,
            batch_size=self.batch_size,
            max_eval_users=self.max_eval_users,
            time_budget_s=self.time_limit_s,
            split=self.split,
        )

    def lightgcn_config(self) -> LightGCNConfig:
        return LightGCNConfig(epochs=self.lightgcn_epochs, max_eval_users=self.max_eval_users)

    def models(self) -> tuple[str, ...]:
        """The Transformer, then the chosen baselines (LightGCN too when its vectors feed the model)."""
        chosen = [b for b in BASELINE_ORDER if b in self.baselines or (b == "lightgcn" and self.use_graph)]
        return ("sasrec", *chosen)


@dataclass
class Experiment:
    """Results of ``run_experiment``: the tidy metric table, fit times, the trained model, and
    ``notes`` (model name -> why it was skipped)."""

    split: Split
    table: pd.DataFrame
    fit_seconds: dict = field(default_factory=dict)
    result: TrainResult | None = None
    baselines: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)

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
    """Fit and evaluate ``models`` (``sasrec`` is the Transformer) under the protocol: each model,
    ``lightgcn`` included, is fitted on ``split.train`` (validation for early stopping or tuning)
    and tested with train + validation as history. ``strategy``: a
    ``tf.distribute`` strategy for the Transformer (``recsys.train.fit``). ``graph_vectors``:
    LightGCN vectors for a Transformer with ``use_graph``; if ``None`` they come from the
    ``lightgcn`` baseline when it is among ``models`` (one fit serves both), else ``fit`` fits them.

    ``progress`` also receives ``{"stage": "model", "model": name, "status": "fitting" |
    "evaluating" | "done" | "skipped", "seconds": ...}`` around each model, so each gets its own
    stage in a progress display. ``skip`` (a ``threading.Event``): once set, the baselines not yet
    started are skipped (their rows are missing from the table); the Transformer always runs.
    ``ease_text`` is fitted on ``text_vectors``; a model that cannot run is skipped with a note (``skip_notes``).
    ``split``: by default ``make_split`` by ``train_config.split`` and ``seed`` (random trains a set model).
    """
    split = split or make_split(dataset.interactions, train_config.split, train_config.seed, dataset.time_order)
    seconds, result, fitted, tables = {}, None, {}, []
    notes = skip_notes(models, dataset.n_users, dataset.n_items, text_vectors)
    emit = progress or (lambda event: None)
    share_graph = model_config.use_graph and graph_vectors is None and "sasrec" in models and "lightgcn" in models
    features = build_feature_tables(dataset).item_features  # intra-list diversity reads item categories
    vectors = features[1:] if features is not None else None
    for name in sorted(models, key=lambda n: n != "lightgcn") if share_graph else models:
        if name != "sasrec" and name not in BASELINES:
            raise ValueError(f"Unknown model '{name}'. Choose from {', '.join(MODEL_NAMES)}.")
        if name in notes or (name != "sasrec" and skip is not None and skip.is_set()
                             and not (share_graph and name == "lightgcn")):
            emit({"stage": "model", "model": name, "status": "skipped", "seconds": 0.0, **({"note": notes[name]} if name in notes else {})})
            continue
        emit({"stage": "model", "model": name, "status": "fitting", "seconds": 0.0})
        t0 = time.perf_counter()
        if name == "sasrec":
            if share_graph:
                graph_vectors = transformer_inputs(fitted["lightgcn"], split.train)
            result = fit(dataset, split, model_config, train_config, text_vectors, progress, cancel,
                         graph_vectors=graph_vectors, strategy=strategy)
            scorer = SequenceScorer(Recommender(result.model, result.tables, model_config.max_len,
                                                result.sequences, model_config.heads, model_config))
        else:
            scorer = fitted[name] = make_baseline(name, lightgcn_config, text_vectors).fit(
                split.train, dataset.n_users, dataset.n_items, split.valid)
        seconds[name] = time.perf_counter() - t0
        emit({"stage": "model", "model": name, "status": "evaluating", "seconds": seconds[name]})
        tables.append(evaluate(split, {name: scorer}, dataset.n_items, dataset.n_users, item_vectors=vectors))
        emit({"stage": "model", "model": name, "status": "done", "seconds": time.perf_counter() - t0})
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=["model", "split", "metric", "value"])
    return Experiment(split=split, table=table, fit_seconds=seconds, result=result, baselines=fitted, notes=notes)


def metrics_json(exp: Experiment, dataset: Dataset) -> dict:
    """The ``evaluate`` JSON: protocol, dataset counts, per model ``valid``/``test`` metrics, and
    ``skipped`` (model name -> why it did not run) when a model was skipped."""
    models = {}
    for (name, part), group in exp.table.groupby(["model", "split"]):
        models.setdefault(name, {})[part] = dict(zip(group["metric"], group["value"].round(6)))
    for name, secs in exp.fit_seconds.items():
        models.setdefault(name, {})["fit_seconds"] = round(secs, 3)
    if exp.result is not None and "sasrec" in models:
        models["sasrec"]["best_epoch"] = exp.result.best_epoch
    set_model = exp.result is not None and bool(exp.result.train_config.shuffle_histories)
    return {
        "protocol": protocol(exp.split, set_model) | {"strategy": exp.split.strategy},
        "dataset": {"users": dataset.n_users, "items": dataset.n_items, "interactions": len(dataset.interactions)},
        "models": models,
        **({"skipped": dict(exp.notes)} if exp.notes else {}),
    }


def save_experiment(exp: Experiment, dataset: Dataset, folder, data_key: str | None, info: dict) -> Path:
    """Save the Transformer's run with every model's metrics (and LightGCN's vectors when it was
    fitted, for the Model and Explain pages) into ``folder``; returns the run's path."""
    from recsys.graph import save_graph_vectors
    from recsys.train.run import save_run

    path = save_run(exp.result, dataset, folder, metrics=metrics_json(exp, dataset), info=info, data_key=data_key)
    if "lightgcn" in exp.baselines:
        save_graph_vectors(path, exp.baselines["lightgcn"])
    return path
