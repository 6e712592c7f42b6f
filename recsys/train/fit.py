"""Train the recommender: full softmax (default), sampled softmax or rating MSE; early stopping
on validation NDCG@10; progress events for the UI; cancellation."""

from __future__ import annotations

import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from recsys.data.dataset import Dataset
from recsys.data.split import Split
from recsys.model.build import build_model, training_model
from recsys.model.config import ModelConfig
from recsys.model.features import FeatureTables, build_feature_tables, to_model_ids
from recsys.model.scoring import CatalogueScorer as Recommender
from recsys.ranking.metrics import hit_rate, ndcg
from recsys.train.config import TrainConfig
from recsys.train.distributed import adapt_trainer, is_multi_worker, peak_memory_mb
from recsys.train.sampling import column_log_q, target_frequencies
from recsys.train.windows import Windows, make_windows, user_sequences

__all__ = ["fit", "TrainResult", "STOP_REASONS", "TIME_LIMIT", "MaskedSoftmaxCE", "set_seed", "warm_items",
           "forget_cold_ids", "head_positions"]


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)


@keras.saving.register_keras_serializable(package="recsys")
class MaskedSoftmaxCE(keras.losses.Loss):
    """Softmax cross-entropy over candidates; labels ``< 0`` (padding) are ignored.

    ``y_true`` ``[...]`` int label = column of the target in ``y_pred`` ``[..., C]``. Or, when
    both are 2-D: ``y_true`` ``[B, L]`` and ``y_pred`` ``[M, C]``, logits at the M real labels only,
    row by row (``training_model``'s catalogue layout: windows put a real label exactly where the
    history has a real item).
    """

    def call(self, y_true, y_pred):
        labels = ops.cast(y_true, "int32")
        if len(labels.shape) == len(y_pred.shape):  # compact: keep the real labels, in row order
            labels = ops.reshape(labels, (-1,))
            labels = ops.take(labels, ops.nonzero(ops.greater_equal(labels, 0))[0])
        valid = ops.cast(ops.greater_equal(labels, 0), y_pred.dtype)
        logp = ops.log_softmax(y_pred, axis=-1)
        picked = ops.squeeze(ops.take_along_axis(logp, ops.expand_dims(ops.maximum(labels, 0), -1), axis=-1), -1)
        return -ops.sum(picked * valid) / ops.maximum(ops.sum(valid), 1.0)


def sampled_sequence(tcfg: TrainConfig, n_catalogue: int) -> bool:
    """Whether the per-position softmax trains on sampled columns (``TrainConfig.sequence_samples``)."""
    return (tcfg.loss == "softmax" and tcfg.input_pipeline == "memory" and tcfg.sequence_samples is not None
            and n_catalogue > 4 * tcfg.sequence_samples)


def sampled_head(tcfg: TrainConfig, n_catalogue: int) -> bool:
    """Whether the output head trains on sampled columns (``TrainConfig.head_samples``)."""
    return tcfg.loss == "softmax" and tcfg.head_samples is not None and tcfg.head_samples + tcfg.batch_size < n_catalogue


def warm_items(train, n_items: int) -> np.ndarray:
    """``[N]`` bool: items with at least one training interaction."""
    return np.bincount(train["item_idx"].to_numpy(), minlength=n_items)[:n_items] > 0


def forget_cold_ids(model: keras.Model, warm: np.ndarray) -> None:
    """Items never seen in training hold only their random initialisation: zero their id vectors
    and give them the mean bias of the trained items (softmax biases have no fixed zero), so such an
    item is scored as an average item plus what is known about it (text, categories, numbers)."""
    cold = to_model_ids(np.flatnonzero(~warm))
    if not len(cold):
        return
    ids = model.get_layer("item_embedding").embeddings
    ids.assign(np.where(np.isin(np.arange(ids.shape[0]), cold)[:, None], 0.0, np.array(ids)))
    bias = model.get_layer("item_bias").embeddings
    values = np.array(bias)
    values[cold] = values[to_model_ids(np.flatnonzero(warm))].mean()
    bias.assign(values)


def head_positions(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``[B]`` one random target position per window (labels ``[B, L]``, ``-1`` = padding; windows
    are left-padded, so a window's targets fill its last positions). The output head trains on
    these prefixes (``training_model``'s ``head_position``)."""
    length = labels.shape[1]
    n = np.maximum((labels >= 0).sum(axis=1), 1)
    return (length - 1 - np.floor(rng.random(len(labels)) * n)).astype(np.int32)


class _Batches(keras.utils.PyDataset):
    """Shuffled batches of windows in the layout the training model takes."""

    def __init__(self, windows: Windows, tables: FeatureTables, cfg: TrainConfig, uses_user_features: bool,
                 rating_mean: float, catalogue: np.ndarray, sampled: bool = False, sampled_sequence: bool = False):
        super().__init__()
        self.w, self.tables, self.cfg = windows, tables, cfg
        self.uses_user_features, self.rating_mean = uses_user_features, rating_mean
        self.rng = np.random.default_rng(cfg.seed)
        self.order = self.rng.permutation(len(windows))
        self.catalogue = catalogue  # [C] sorted model ids of the warm items
        self.sampled = sampled  # the output head scores the targets + head_samples random columns
        self.sampled_sequence = sampled_sequence  # per-position softmax over targets + random columns
        self.frequencies = target_frequencies(windows.targets, catalogue) if sampled or sampled_sequence else None

    def __len__(self) -> int:
        return int(np.ceil(len(self.w) / self.cfg.batch_size))

    def on_epoch_end(self) -> None:
        self.order = self.rng.permutation(len(self.w))

    def _candidates(self, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Candidate model ids ``[C]`` and labels (column per target, -1 for padding)."""
        if self.cfg.loss == "softmax":  # catalogue is sorted, and every target is in it
            return self.catalogue, np.where(targets > 0, np.searchsorted(self.catalogue, targets), -1)
        wanted = np.unique(targets[targets > 0])
        size = min(len(self.catalogue), targets.size + self.cfg.num_negatives)
        extra = self.rng.choice(self.catalogue, size=size - len(wanted))
        cand = np.concatenate([wanted, extra]).astype(np.int32)
        labels = np.where(targets > 0, np.searchsorted(wanted, targets), -1)
        return cand, labels

    def __getitem__(self, i: int):
        rows = self.order[i * self.cfg.batch_size : (i + 1) * self.cfg.batch_size]
        hist, targ = self.w.history[rows], self.w.targets[rows]
        x = {"history": hist}
        if self.uses_user_features:
            x["user_features"] = self.tables.user_features(self.w.users[rows])
        if self.cfg.loss == "mse":  # score the observed next item, regress its rating
            x["candidates"] = targ[:, -1:]
            rating = self.w.ratings[rows][:, -1:] - self.rating_mean
            return x, {"scores": rating.astype(np.float32), "sequence_logits": np.zeros((len(rows), 1), np.float32)}
        cand, labels = self._candidates(targ)
        if self.cfg.loss != "softmax":  # the full softmax's catalogue is inside the training model
            x["candidates"] = np.broadcast_to(cand, (len(rows), len(cand))).copy()
            return x, {"scores": labels[:, -1].astype(np.int32), "sequence_logits": labels.astype(np.int32)}
        position = head_positions(labels, self.rng)
        x["head_position"] = position[:, None]
        head = labels[np.arange(len(rows)), position]
        if self.sampled:
            negatives = self.rng.integers(0, len(self.catalogue), self.cfg.head_samples)
            columns = np.unique(np.concatenate([head[head >= 0], negatives])).astype(np.int32)
            x["candidate_columns"] = np.broadcast_to(columns, (len(rows), len(columns))).copy()
            log_q = column_log_q(self.frequencies, int((head >= 0).sum()), self.cfg.head_samples)[columns]
            x["column_log_q"] = np.broadcast_to(log_q.astype(np.float32), (len(rows), len(columns))).copy()
            head = np.where(head >= 0, np.searchsorted(columns, head), -1)
        if self.sampled_sequence:
            labels = self._sample_sequence_columns(x, labels)
        return x, {"scores": head.astype(np.int32), "sequence_logits": labels.astype(np.int32)}

    def _sample_sequence_columns(self, x: dict, labels: np.ndarray) -> np.ndarray:
        """The per-position softmax's columns (the batch's targets plus random ones) and their log Q
        into ``x``; returns the labels as positions among those columns."""
        real = labels[labels >= 0]
        negatives = self.rng.integers(0, len(self.catalogue), self.cfg.sequence_samples)
        columns = np.unique(np.concatenate([real, negatives])).astype(np.int32)
        log_q = column_log_q(self.frequencies, len(real), self.cfg.sequence_samples)[columns].astype(np.float32)
        rows = len(labels)
        x["sequence_columns"] = np.broadcast_to(columns, (rows, len(columns))).copy()
        x["sequence_log_q"] = np.broadcast_to(log_q, (rows, len(columns))).copy()
        return np.where(labels >= 0, np.searchsorted(columns, labels), -1)


STOP_REASONS = ("early stopping", "max epochs", "time limit", "cancelled")
TIME_LIMIT = "stopped after {epochs} of {max_epochs} epochs: time limit ({limit:.0f} s of training)"


@dataclass
class TrainResult:
    """A trained model and what happened while training.

    Attributes:
        model: The scoring model with the best validation weights.
        tables: Its feature tables. sequences: training histories (model ids) per user.
        curve: One dict per epoch: ``epoch, loss, valid_ndcg@10, valid_hr@10, seconds`` (seconds
            since training started, its first step included).
        best_epoch: Epoch whose weights were kept. cancelled: stopped by the caller.
        fit_seconds: Wall time of ``fit``, preparation included. rating_mean: added back to MSE scores.
        stop_reason: Why training ended, one of ``STOP_REASONS``; ``"time limit"`` means the
            safety cap (``TrainConfig.time_budget_s``) cut training before early stopping did.
        setup_seconds: Wall time before the first training step finished (feature tables, model,
            windows, graph tracing): not counted against the time limit.
        peak_memory_mb: peak resident memory of the process when training ended.
        input_pipeline: ``"memory"`` or ``"parquet"`` (what fed the batches).
        replicas: replicas that trained in sync (1 on one device).
    """

    model: keras.Model
    tables: FeatureTables
    model_config: ModelConfig
    train_config: TrainConfig
    sequences: dict
    curve: list[dict] = field(default_factory=list)
    best_epoch: int = 0
    cancelled: bool = False
    fit_seconds: float = 0.0
    rating_mean: float = 0.0
    stop_reason: str = "max epochs"
    setup_seconds: float = 0.0
    peak_memory_mb: float = 0.0
    input_pipeline: str = "memory"
    replicas: int = 1

    @property
    def stopped_for_time(self) -> bool:
        """The time limit cut training (``stop_reason == "time limit"``)."""
        return self.stop_reason == "time limit"

    @property
    def stop_message(self) -> str | None:
        """The loud sentence for a run the time limit cut short (``None`` otherwise)."""
        if not self.stopped_for_time:
            return None
        return TIME_LIMIT.format(epochs=len(self.curve), max_epochs=self.train_config.epochs,
                                 limit=self.train_config.time_budget_s)


class _Monitor(keras.callbacks.Callback):
    """Validation NDCG@10 each epoch, early stopping with best weights, progress, cancellation and
    the time limit, a safety cap counted from the end of the first training step (so preparing the
    model and tracing its graph, which a busy machine slows most, never cut training short)."""

    def __init__(self, scorer: Recommender, valid_users, valid_items, patience, progress, cancel, n_batches, epochs,
                 time_budget_s=None, started: float | None = None):
        super().__init__()
        self.time_budget_s = time_budget_s
        self.scorer, self.users, self.items = scorer, valid_users, valid_items
        self.patience, self.progress, self.cancel = patience, progress, cancel
        self.n_batches, self.epochs = n_batches, epochs
        self.curve, self.best, self.best_epoch, self.best_weights, self.wait = [], -1.0, 0, None, 0
        self.started = started if started is not None else time.perf_counter()
        self.t0, self.clock, self.setup_seconds = time.perf_counter(), None, 0.0
        self.stop_reason = "max epochs"

    def _emit(self, event: dict) -> None:
        if self.progress is not None:
            self.progress(event)

    def _stop(self, reason: str) -> None:
        if self.stop_reason == "max epochs":
            self.stop_reason = reason
        self.model.stop_training = True

    def on_train_batch_end(self, batch, logs=None):
        if self.clock is None:  # the first step traced the graph: the time limit starts now
            self.clock = time.perf_counter()
            self.setup_seconds = self.clock - self.started
        self._emit({"stage": "batch", "batch": batch + 1, "batches": self.n_batches, "epoch": len(self.curve) + 1,
                    "epochs": self.epochs, "loss": float((logs or {}).get("loss", np.nan))})
        if self.cancel is not None and self.cancel.is_set():
            self._stop("cancelled")

    @property
    def cancelled(self) -> bool:
        return self.stop_reason == "cancelled"

    def on_epoch_end(self, epoch, logs=None):
        ranked, _ = self.scorer.recommend_indices(self.users, k=10)
        row = {
            "epoch": epoch + 1,
            "loss": float((logs or {}).get("loss", np.nan)),
            "valid_ndcg@10": ndcg(ranked, self.items, k=10),
            "valid_hr@10": hit_rate(ranked, self.items, k=10),
            "seconds": time.perf_counter() - self.t0,
        }
        self.curve.append(row)
        if row["valid_ndcg@10"] > self.best:
            self.best, self.best_epoch, self.wait = row["valid_ndcg@10"], epoch + 1, 0
            self.best_weights = self.scorer.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self._stop("early stopping")
        if self.time_budget_s is not None and self.clock is not None and epoch + 1 < self.epochs:
            elapsed = time.perf_counter() - self.clock
            last = row["seconds"] - (self.curve[-2]["seconds"] if len(self.curve) > 1 else 0.0)
            if elapsed + last > self.time_budget_s:  # the next epoch would end past the limit
                self._stop("time limit")
        self._emit({"stage": "epoch", **row, "epochs": self.epochs, "best_epoch": self.best_epoch})

    def finish(self, model: keras.Model, warm: np.ndarray) -> None:
        """Restore the best weights and forget the untrained ids of items with no training data."""
        if self.best_weights is not None:
            model.set_weights(self.best_weights)
        forget_cold_ids(model, warm)


def _phase(progress, phase: str) -> None:
    """Tell the caller what ``fit`` is doing before the first step: ``model``, ``windows`` or ``compile``."""
    if progress is not None:
        progress({"stage": "phase", "phase": phase})


def fit(
    dataset: Dataset,
    split: Split,
    model_config: ModelConfig = ModelConfig(),
    train_config: TrainConfig = TrainConfig(),
    text_vectors: np.ndarray | None = None,
    progress: Callable[[dict], None] | None = None,
    cancel: threading.Event | None = None,
    graph_vectors: np.ndarray | None = None,
    strategy: tf.distribute.Strategy | None = None,
    shards_dir=None,
) -> TrainResult:
    """Train a recommender on ``split.train``, early-stopping on ``split.valid``.

    Args:
        dataset: The loaded dataset (feature tables come from its items and users).
        split: Train / validation / test parts.
        text_vectors: ``[N, T]`` item text vectors in item-index order, or ``None``.
        progress: Called with ``{"stage": "phase" | "batch" | "epoch", ...}`` events (UI progress
            bars; ``phase`` events name the preparation step: ``model``, ``windows``, ``compile``).
        cancel: Set it to stop after the current batch; the best weights so far are kept.
        graph_vectors: ``[N, G]`` LightGCN item vectors, or ``([U, G] user, [N, G] item)``; with
            ``use_graph`` and none given, both are fitted here on ``split.train`` (so no held-out
            interaction is in the graph).
        strategy: A ``tf.distribute`` strategy (``recsys.train.distributed.make_strategy``); the
            model is built and trained under its scope, with windows streamed from Parquet
            shards. ``None``: the default single-device strategy.
        shards_dir: Where the Parquet window shards go (a temporary folder by default).
    """
    t0 = time.perf_counter()
    set_seed(train_config.seed)
    cfg, tcfg = model_config, train_config
    _phase(progress, "model")
    if cfg.use_graph and graph_vectors is None:
        from recsys.graph import graph_vectors as fit_graph_vectors

        graph_vectors = fit_graph_vectors(split.train, dataset.n_users, dataset.n_items, split.valid)
    user_graph, item_graph = graph_vectors if isinstance(graph_vectors, tuple) else (None, graph_vectors)
    tables = build_feature_tables(dataset, text_vectors, item_graph if cfg.use_graph else None,
                                  user_graph if cfg.use_graph else None)
    default = tf.distribute.get_strategy()
    strategy = strategy or default
    stream = tcfg.input_pipeline == "parquet" or strategy is not default
    warm = warm_items(split.train, dataset.n_items)
    # Only items seen in training compete in the softmax: an item with no training interaction
    # would otherwise be pushed down as a negative at every step and could never be recommended,
    # even by its text (cold start). The full softmax scores this fixed catalogue inside the
    # training graph (its item tower once per step); the other losses feed candidates per batch.
    catalogue = to_model_ids(np.flatnonzero(warm)).astype(np.int32)
    with strategy.scope():
        model = build_model(cfg, tables)
        trainer = (training_model(model, cfg, tables, catalogue, sampled_head=sampled_head(tcfg, len(catalogue)),
                                  sampled_sequence=sampled_sequence(tcfg, len(catalogue)) and not stream)
                   if tcfg.loss == "softmax" else training_model(model))
    sequences = user_sequences(split.train)
    rating_mean = 0.0
    ratings = None
    if tcfg.loss == "mse":
        if not dataset.has_ratings:
            raise ValueError("loss='mse' needs a rating column.")
        from recsys.data.split import chronological

        ordered = chronological(split.train)
        rating_mean = float(ordered["rating"].mean())
        ratings = {int(u): g["rating"].to_numpy(np.float32) for u, g in ordered.groupby("user_idx", sort=False)}
    uses_user_features = "user_features" in {t.name for t in model.inputs}
    if stream:
        return _fit_streamed(model, trainer, tables, sequences, warm, catalogue, split, dataset, cfg, tcfg, uses_user_features,
                             strategy, progress, cancel, shards_dir, t0)
    _phase(progress, "windows")
    windows = make_windows(sequences, cfg.max_len, ratings, every_position=tcfg.loss == "mse")
    batches = _Batches(windows, tables, tcfg, uses_user_features, rating_mean, catalogue,
                       sampled_head(tcfg, len(catalogue)), sampled_sequence(tcfg, len(catalogue)))
    if tcfg.loss == "mse":
        losses = {"scores": keras.losses.MeanSquaredError(), "sequence_logits": None}
    else:
        losses = {"scores": MaskedSoftmaxCE(), "sequence_logits": MaskedSoftmaxCE()}
    trainer.compile(optimizer=keras.optimizers.Adam(tcfg.learning_rate), loss=losses, loss_weights=_loss_weights(tcfg))
    scorer = Recommender(model, tables, cfg.max_len, sequences, cfg.heads, cfg)
    monitor = _Monitor(scorer, *_valid_sample(split, tcfg), tcfg.patience, progress, cancel, len(batches), tcfg.epochs,
                       tcfg.time_budget_s, started=t0)
    _phase(progress, "compile")
    trainer.fit(batches, epochs=tcfg.epochs, callbacks=[monitor], verbose=0)
    monitor.finish(model, warm)
    return _result(monitor, model, tables, cfg, tcfg, sequences, t0, rating_mean=rating_mean)


def _result(monitor: _Monitor, model, tables, cfg, tcfg, sequences, t0, **extra) -> TrainResult:
    return TrainResult(
        model=model, tables=tables, model_config=cfg, train_config=tcfg, sequences=sequences,
        curve=monitor.curve, best_epoch=monitor.best_epoch, cancelled=monitor.cancelled,
        fit_seconds=time.perf_counter() - t0, stop_reason=monitor.stop_reason, setup_seconds=monitor.setup_seconds,
        peak_memory_mb=peak_memory_mb(), **extra,
    )


def _loss_weights(tcfg: TrainConfig) -> dict | None:
    """The head's weight beside the per-position dot-product loss (``TrainConfig.head_loss_weight``);
    the rating loss trains the score alone."""
    return None if tcfg.loss == "mse" else {"scores": tcfg.head_loss_weight, "sequence_logits": 1.0}


def _valid_sample(split: Split, tcfg: TrainConfig):
    valid = split.valid
    if tcfg.max_eval_users and len(valid) > tcfg.max_eval_users:
        valid = valid.sample(tcfg.max_eval_users, random_state=tcfg.seed)
    return valid["user_idx"].to_numpy(), valid["item_idx"].to_numpy()


def _fit_streamed(model, trainer, tables, sequences, warm, catalogue, split, dataset, cfg, tcfg, uses_user_features, strategy,
                  progress, cancel, shards_dir, t0) -> TrainResult:
    """``fit`` with windows streamed from Parquet shards (``recsys.train.stream``) under ``strategy``."""
    from recsys.train.stream import STREAM_LOSS, STREAM_LOSSES, window_dataset, write_window_shards

    if tcfg.loss not in STREAM_LOSSES:
        raise ValueError(STREAM_LOSS.format(loss=tcfg.loss))
    with tempfile.TemporaryDirectory(prefix="reclens-windows-") as tmp:
        _phase(progress, "windows")
        shards = write_window_shards(sequences, cfg.max_len, catalogue, shards_dir or tmp)
        batches = window_dataset(shards, tables, tcfg.batch_size, tcfg.seed, uses_user_features,
                                 head_samples=tcfg.head_samples if sampled_head(tcfg, len(catalogue)) else None,
                                 n_catalogue=len(catalogue), frequencies=target_frequencies(
                                     np.concatenate([s[1:] for s in sequences.values()]), catalogue))
        with strategy.scope():
            trainer.compile(optimizer=keras.optimizers.Adam(tcfg.learning_rate),
                            loss={"scores": MaskedSoftmaxCE(), "sequence_logits": MaskedSoftmaxCE()},
                            loss_weights=_loss_weights(tcfg))
        adapt_trainer(trainer, strategy, batches.element_spec)
        scorer = Recommender(model, tables, cfg.max_len, sequences, cfg.heads, cfg)
        # Workers of one cluster must stop at the same epoch: wall-clock budgets differ between
        # machines, validation NDCG (same weights, same users) does not.
        budget = None if is_multi_worker(strategy) else tcfg.time_budget_s
        monitor = _Monitor(scorer, *_valid_sample(split, tcfg), tcfg.patience, progress, cancel,
                           shards.rows // tcfg.batch_size, tcfg.epochs, budget, started=t0)
        _phase(progress, "compile")
        trainer.fit(batches, epochs=tcfg.epochs, callbacks=[monitor], verbose=0, shuffle=False)
    monitor.finish(model, warm)
    return _result(monitor, model, tables, cfg, tcfg, sequences, t0, input_pipeline="parquet",
                   replicas=strategy.num_replicas_in_sync)
