"""The training batch layout: one definition for the in-memory and the Parquet inputs.

``softmax_batch`` (TensorFlow ops) turns windows into the inputs and labels of the full-softmax
training model (``recsys.model.build.training_model``): one head position per window, and, for
the sampled head or per-position softmax, the sampled columns with their logQ correction. The
Parquet pipeline (``recsys.train.stream``) maps it over ``tf.data`` batches; ``MemoryBatches``
calls it on NumPy windows. Each input brings its own randomness (``draw``, ``negatives``), so the
layout itself is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from recsys.model.features import FeatureTables
from recsys.train.config import TrainConfig
from recsys.train.sampling import column_log_q, target_frequencies
from recsys.train.windows import Windows

__all__ = ["head_positions", "sample_columns", "softmax_batch", "MemoryBatches", "PAD_LOG_Q"]

PAD_LOG_Q = 1e9  # a padding column's logit minus this is about -1e9: exactly 0 after the softmax


def head_positions(labels, draw) -> tf.Tensor:
    """``[B]`` int32 one target position per window: labels ``[B, L]`` (``-1`` = padding; windows
    are left-padded, so a window's targets fill its last positions), ``draw`` ``[B]`` uniform in
    ``[0, 1)``. The output head trains on these prefixes (``training_model``'s ``head_position``)."""
    labels = tf.convert_to_tensor(labels)
    length = labels.shape[1]
    n = tf.maximum(tf.reduce_sum(tf.cast(labels >= 0, tf.int64), axis=1), 1)
    return length - 1 - tf.cast(tf.floor(tf.cast(draw, tf.float64) * tf.cast(n, tf.float64)), tf.int32)


def sample_columns(labels, negatives, log_q):
    """The columns a sampled softmax scores: the real ``labels`` (any shape, ``-1`` = none) plus
    ``negatives`` ``[S]``, sorted and unique.

    Returns:
        ``(labels, columns, log_q)``: labels as positions among the columns (``-1`` kept);
        ``columns`` ``[B, S']`` and their float32 ``log_q`` ``[B, S']`` (gathered from ``log_q``
        ``[C]``), the same in every row.
    """
    real = tf.boolean_mask(labels, labels >= 0)
    columns = tf.sort(tf.unique(tf.concat([real, tf.cast(negatives, tf.int32)], 0))[0])
    flat = tf.reshape(labels, [-1])
    where = tf.where(flat >= 0, tf.searchsorted(columns, flat, out_type=tf.int32), -1)
    shape = [tf.shape(labels)[0], tf.shape(columns)[0]]
    picked = tf.cast(tf.gather(log_q, columns), tf.float32)
    return tf.reshape(where, tf.shape(labels)), tf.broadcast_to(columns[None], shape), tf.broadcast_to(picked[None], shape)


def softmax_batch(x: dict, labels, draw, head_sample=None, sequence_sample=None):
    """One batch for the full-softmax training model.

    Args:
        x: Inputs read from the windows: ``history`` ``[B, L]`` (and ``user_features``).
        labels: ``[B, L]`` column of each target in the catalogue, ``-1`` = padding.
        draw: ``[B]`` uniform in ``[0, 1)``, picks each window's head position (``head_positions``).
        head_sample: ``(negatives [S], log_q [C])``: the head scores the batch's head targets plus
            these columns, ``log_q`` the log-probability of each catalogue column to be among them
            (``recsys.train.sampling.column_log_q``). ``None``: the whole catalogue.
        sequence_sample: The same for the per-position softmax (all real labels are targets).

    Returns:
        ``(x, y)``: ``x`` gains ``head_position`` ``[B, 1]`` and, when sampled,
        ``candidate_columns`` / ``column_log_q`` and ``sequence_columns`` / ``sequence_log_q``
        ``[B, S']``; ``y`` is ``scores`` ``[B]`` and ``sequence_logits`` ``[B, L]`` (int32 labels).
    """
    labels = tf.cast(labels, tf.int32)
    position = head_positions(labels, draw)
    x = {**x, "head_position": position[:, None]}
    head = tf.gather(labels, position, batch_dims=1)
    if head_sample is not None:
        head, x["candidate_columns"], x["column_log_q"] = sample_columns(head, *head_sample)
    if sequence_sample is not None:
        labels, x["sequence_columns"], x["sequence_log_q"] = sample_columns(labels, *sequence_sample)
    return x, {"scores": head, "sequence_logits": labels}


class MemoryBatches(keras.utils.PyDataset):
    """Shuffled batches of in-memory windows in the layout the training model takes.

    ``sampled``: the output head trains on the targets plus ``head_samples`` random columns;
    ``sampled_sequence``: the per-position softmax on the targets plus ``sequence_samples``.
    ``catalogue``: ``[C]`` sorted model ids of the warm items. ``epoch_windows``: for a set model,
    ``epoch -> Windows`` of that epoch's shuffled histories (``windows`` are epoch 0's); Keras calls
    ``on_epoch_begin`` once per epoch before the epoch's first batch is read.
    """

    def __init__(self, windows: Windows, tables: FeatureTables, cfg: TrainConfig, uses_user_features: bool,
                 rating_mean: float, catalogue: np.ndarray, sampled: bool = False, sampled_sequence: bool = False,
                 epoch_windows: Callable[[int], Windows] | None = None):
        super().__init__()
        self.w, self.tables, self.cfg = windows, tables, cfg
        self.epoch_windows, self.epochs_begun = epoch_windows, 0
        self.uses_user_features, self.rating_mean = uses_user_features, rating_mean
        self.rng = np.random.default_rng(cfg.seed)
        self.order = self.rng.permutation(len(windows))
        self.catalogue = catalogue
        self.sampled, self.sampled_sequence = sampled, sampled_sequence
        self.frequencies = target_frequencies(windows.targets, catalogue) if sampled or sampled_sequence else None

    def __len__(self) -> int:
        return int(np.ceil(len(self.w) / self.cfg.batch_size))

    def on_epoch_begin(self) -> None:
        if self.epoch_windows is not None and self.epochs_begun:  # epoch 0's windows came with the constructor
            self.w = self.epoch_windows(self.epochs_begun)
        self.epochs_begun += 1

    def on_epoch_end(self) -> None:
        self.order = self.rng.permutation(len(self.w))

    def __getitem__(self, i: int):
        rows = self.order[i * self.cfg.batch_size : (i + 1) * self.cfg.batch_size]
        targ = self.w.targets[rows]
        x = {"history": self.w.history[rows]}
        if self.uses_user_features:
            x["user_features"] = self.tables.user_features(self.w.users[rows])
        if self.cfg.loss == "mse":  # score the observed next item, regress its rating
            x["candidates"] = targ[:, -1:]
            rating = self.w.ratings[rows][:, -1:] - self.rating_mean
            return x, {"scores": rating.astype(np.float32), "sequence_logits": np.zeros((len(rows), 1), np.float32)}
        if self.cfg.loss != "softmax":  # the full softmax's catalogue is inside the training model
            return self._sampled_loss(x, targ)
        labels = np.where(targ > 0, np.searchsorted(self.catalogue, targ), -1)  # every target is in the catalogue
        x, y = softmax_batch(x, labels, self.rng.random(len(rows)), self._draw(self.sampled, self.cfg.head_samples, len(rows)),
                             self._draw(self.sampled_sequence, self.cfg.sequence_samples, int((labels >= 0).sum())))
        x = {k: np.asarray(v) for k, v in x.items()}
        return self._pad_columns(x, i), {k: np.asarray(v) for k, v in y.items()}

    def _pad_columns(self, x: dict, i: int) -> dict:
        """Keras fixes each input dimension that is equal in batches 0 and 1, but the number of
        sampled columns varies from batch to batch (and epoch to epoch). One padding column where
        needed gives even batches an even count and odd batches an odd one, so batches 0 and 1
        always differ and the dimension stays free; with one batch per epoch, the columns are padded
        to the most there can be. A padding column repeats the last one (labels, which index the
        columns, are unchanged) with a log Q of ``PAD_LOG_Q``: its corrected logit gets no weight."""
        for columns, log_q, most in (("candidate_columns", "column_log_q", self.cfg.batch_size + (self.cfg.head_samples or 0)),
                                     ("sequence_columns", "sequence_log_q", len(self.catalogue))):
            if columns not in x:
                continue
            width = x[columns].shape[1]
            wanted = max(width, min(most, len(self.catalogue))) if len(self) == 1 else width + (width - i) % 2
            if wanted > width:
                extra = wanted - width
                x[columns] = np.concatenate([x[columns], np.repeat(x[columns][:, -1:], extra, axis=1)], axis=1)
                x[log_q] = np.concatenate([x[log_q], np.full((len(x[log_q]), extra), PAD_LOG_Q, x[log_q].dtype)], axis=1)
        return x

    def _draw(self, sampled: bool, samples: int | None, draws: int):
        """``(negatives, log_q)`` for ``softmax_batch``: ``samples`` random columns and the log Q of
        every column for a step of ``draws`` targets; ``None`` when not ``sampled``."""
        if not sampled:
            return None
        negatives = self.rng.integers(0, len(self.catalogue), samples)
        return negatives.astype(np.int32), column_log_q(self.frequencies, draws, samples)

    def _sampled_loss(self, x: dict, targets: np.ndarray):
        """The ``sampled`` loss: the batch's targets plus ``num_negatives`` random items as candidates."""
        wanted = np.unique(targets[targets > 0])
        size = min(len(self.catalogue), targets.size + self.cfg.num_negatives)
        extra = self.rng.choice(self.catalogue, size=size - len(wanted))
        cand = np.concatenate([wanted, extra]).astype(np.int32)
        labels = np.where(targets > 0, np.searchsorted(wanted, targets), -1)
        x["candidates"] = np.broadcast_to(cand, (len(targets), len(cand))).copy()
        return x, {"scores": labels[:, -1].astype(np.int32), "sequence_logits": labels.astype(np.int32)}
