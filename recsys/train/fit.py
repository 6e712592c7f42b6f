"""Train the recommender: full softmax (default), sampled softmax or rating MSE; early stopping
on validation NDCG@10; progress events for the UI; cancellation."""

from __future__ import annotations

import contextlib
import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from recsys.data.dataset import Dataset
from recsys.data.split import Split, split_record
from recsys.model.build import build_model, training_model
from recsys.model.config import ModelConfig
from recsys.model.features import FeatureTables, build_feature_tables, to_model_ids
from recsys.model.scoring import CatalogueScorer
from recsys.train.batches import MemoryBatches
from recsys.train.config import TrainConfig
from recsys.train.distributed import adapt_trainer, is_multi_worker, peak_memory_mb
from recsys.train.monitor import Monitor, valid_sample
from recsys.train.sampling import target_frequencies
from recsys.train.stream import STREAM_LOSS, STREAM_LOSSES, window_dataset, write_window_shards
from recsys.train.windows import Windows, make_windows, shuffle_sequences, user_sequences

__all__ = ["fit", "TrainResult", "STOP_REASONS", "TIME_LIMIT", "MaskedSoftmaxCE", "set_seed", "warm_items",
           "forget_cold_ids", "set_model"]

RANDOM_SPLITS = ("random_leave_one_out", "random")  # split strategies that ignore time order


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


def set_model(tcfg: TrainConfig, split: Split) -> bool:
    """Whether the histories are shuffled every epoch: ``tcfg.shuffle_histories``, or when ``None``,
    whether ``split`` ignores time order (a random split)."""
    return tcfg.shuffle_histories if tcfg.shuffle_histories is not None else split.strategy in RANDOM_SPLITS


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
        split: The split trained on (``recsys.data.split.split_record``; ``rebuild_split`` remakes it).
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
    split: dict = field(default_factory=dict)

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
    cfg, tcfg = model_config, replace(train_config, shuffle_histories=set_model(train_config, split))
    _phase(progress, "model")
    tables = _feature_tables(dataset, split, cfg, text_vectors, graph_vectors)
    strategy = strategy or tf.distribute.get_strategy()
    stream = tcfg.input_pipeline == "parquet" or strategy is not tf.distribute.get_strategy()
    warm = warm_items(split.train, dataset.n_items)
    model, trainer, catalogue = _models(cfg, tcfg, tables, warm, strategy, stream)
    sequences = user_sequences(split.train)
    rating_mean, ratings = _ratings(dataset, split, tcfg)
    if stream and tcfg.loss not in STREAM_LOSSES:
        raise ValueError(STREAM_LOSS.format(loss=tcfg.loss))
    with contextlib.ExitStack() as scope:  # a temporary shards folder lives until training ends
        _phase(progress, "windows")
        folder = _shards_folder(scope, shards_dir) if stream else None
        batches, n_batches = _batches(model, tables, sequences, catalogue, cfg, tcfg, folder, ratings, rating_mean)
        scorer = CatalogueScorer(model, tables, cfg.max_len, sequences, cfg.heads, cfg)
        monitor = _compile(trainer, batches, strategy, scorer, split, tcfg, progress, cancel, n_batches, t0)
        _phase(progress, "compile")
        trainer.fit(batches, epochs=tcfg.epochs, callbacks=[monitor], verbose=0, shuffle=not stream)  # tf.data shuffles itself
    monitor.restore_best(model)
    forget_cold_ids(model, warm)
    return TrainResult(
        model=model, tables=tables, model_config=cfg, train_config=tcfg, sequences=sequences,
        curve=monitor.curve, best_epoch=monitor.best_epoch, cancelled=monitor.cancelled,
        fit_seconds=time.perf_counter() - t0, rating_mean=rating_mean, stop_reason=monitor.stop_reason,
        setup_seconds=monitor.setup_seconds, peak_memory_mb=peak_memory_mb(),
        input_pipeline="parquet" if stream else "memory", replicas=strategy.num_replicas_in_sync,
        split=split_record(split),
    )


def _feature_tables(dataset: Dataset, split: Split, cfg: ModelConfig, text_vectors, graph_vectors) -> FeatureTables:
    """The model's feature tables; LightGCN vectors are fitted on ``split.train`` when the model
    uses the graph and none are given."""
    if cfg.use_graph and graph_vectors is None:
        from recsys.graph import graph_vectors as fit_graph_vectors

        graph_vectors = fit_graph_vectors(split.train, dataset.n_users, dataset.n_items, split.valid)
    user_graph, item_graph = graph_vectors if isinstance(graph_vectors, tuple) else (None, graph_vectors)
    return build_feature_tables(dataset, text_vectors, item_graph if cfg.use_graph else None,
                                user_graph if cfg.use_graph else None)


def _models(cfg: ModelConfig, tcfg: TrainConfig, tables: FeatureTables, warm: np.ndarray, strategy, stream: bool):
    """``(model, trainer, catalogue)``: the scoring model, the training graph around it, and the
    sorted model ids ``[C]`` of the items that compete in the softmax, built under ``strategy``."""
    # Only items seen in training compete in the softmax: an item with no training interaction
    # would otherwise be pushed down as a negative at every step and could never be recommended,
    # even by its text (cold start). The full softmax scores this fixed catalogue inside the
    # training graph (its item tower once per step); the other losses feed candidates per batch.
    catalogue = to_model_ids(np.flatnonzero(warm)).astype(np.int32)
    with strategy.scope():
        model = build_model(cfg, tables)
        if tcfg.loss != "softmax":
            return model, training_model(model), catalogue
        sampled = sampled_sequence(tcfg, len(catalogue)) and not stream  # the Parquet input samples no sequence columns
        return model, training_model(model, cfg, tables, catalogue, sampled_head=sampled_head(tcfg, len(catalogue)),
                                     sampled_sequence=sampled), catalogue


def _ratings(dataset: Dataset, split: Split, tcfg: TrainConfig) -> tuple[float, dict | None]:
    """For the rating loss: the mean training rating and each user's ratings in time order."""
    if tcfg.loss != "mse":
        return 0.0, None
    if not dataset.has_ratings:
        raise ValueError("loss='mse' needs a rating column." + (
            " The value column was read as weights (counts): load it with value_kind='rating' (--value-kind "
            "rating) to regress it." if dataset.has_weights else ""))
    from recsys.data.split import chronological

    ordered = chronological(split.train)
    ratings = {int(u): g["rating"].to_numpy(np.float32) for u, g in ordered.groupby("user_idx", sort=False)}
    return float(ordered["rating"].mean()), ratings


def _shards_folder(scope: contextlib.ExitStack, shards_dir):
    """``shards_dir``, or a temporary folder removed when ``scope`` closes."""
    return shards_dir or scope.enter_context(tempfile.TemporaryDirectory(prefix="reclens-windows-"))


def _batches(model, tables, sequences, catalogue, cfg, tcfg, shards_folder, ratings, rating_mean):
    """The training batches and their number per epoch: windows streamed from Parquet shards
    written to ``shards_folder``, or (``None``) held in memory."""
    uses_user_features = "user_features" in {t.name for t in model.inputs}
    if shards_folder is None:
        epoch_windows = _epoch_windows(sequences, ratings, cfg, tcfg)
        batches = MemoryBatches(epoch_windows(0), tables, tcfg, uses_user_features, rating_mean, catalogue,
                                sampled_head(tcfg, len(catalogue)), sampled_sequence(tcfg, len(catalogue)),
                                epoch_windows=epoch_windows if tcfg.shuffle_histories else None)
        return batches, len(batches)
    shards = write_window_shards(sequences, cfg.max_len, catalogue, shards_folder,
                                 shuffle_seed=tcfg.seed if tcfg.shuffle_histories else None)
    frequencies = target_frequencies(np.concatenate([s[1:] for s in sequences.values()]), catalogue)
    batches = window_dataset(shards, tables, tcfg.batch_size, tcfg.seed, uses_user_features,
                             head_samples=tcfg.head_samples if sampled_head(tcfg, len(catalogue)) else None,
                             n_catalogue=len(catalogue), frequencies=frequencies)
    return batches, shards.rows // tcfg.batch_size


def _epoch_windows(sequences, ratings, cfg: ModelConfig, tcfg: TrainConfig) -> Callable[[int], Windows]:
    """``epoch -> Windows``: the training windows of an epoch, cut from histories shuffled for that
    epoch when ``tcfg.shuffle_histories`` (a set model), else the same windows every epoch."""
    every_position = tcfg.loss == "mse"
    if not tcfg.shuffle_histories:
        fixed = make_windows(sequences, cfg.max_len, ratings, every_position=every_position)
        return lambda epoch: fixed

    def shuffled(epoch: int) -> Windows:
        seqs, rated = shuffle_sequences(sequences, tcfg.seed, epoch, ratings)
        return make_windows(seqs, cfg.max_len, rated, every_position=every_position)

    return shuffled


def _compile(trainer, batches, strategy, scorer, split, tcfg, progress, cancel, n_batches, t0) -> Monitor:
    """Compile ``trainer`` for ``tcfg.loss`` under ``strategy``; the monitor that validates each epoch."""
    if tcfg.loss == "mse":
        losses = {"scores": keras.losses.MeanSquaredError(), "sequence_logits": None}
    else:
        losses = {"scores": MaskedSoftmaxCE(), "sequence_logits": MaskedSoftmaxCE()}
    with strategy.scope():
        trainer.compile(optimizer=keras.optimizers.Adam(tcfg.learning_rate), loss=losses,
                        loss_weights=_loss_weights(tcfg))
    if isinstance(batches, tf.data.Dataset):
        adapt_trainer(trainer, strategy, batches.element_spec)
    # Workers of one cluster must stop at the same epoch: wall-clock budgets differ between
    # machines, validation NDCG (same weights, same users) does not.
    budget = None if is_multi_worker(strategy) else tcfg.time_budget_s
    return Monitor(scorer, *valid_sample(split, tcfg), tcfg.patience, progress, cancel, n_batches, tcfg.epochs,
                    budget, started=t0)


def _loss_weights(tcfg: TrainConfig) -> dict | None:
    """The head's weight beside the per-position dot-product loss (``TrainConfig.head_loss_weight``);
    the rating loss trains the score alone."""
    return None if tcfg.loss == "mse" else {"scores": tcfg.head_loss_weight, "sequence_logits": 1.0}
