"""Small custom Keras layers (``keras.ops`` only, each with ``get_config``; all survive a
``.keras`` save and reload)."""

from __future__ import annotations

import keras
from keras import ops

__all__ = [
    "LookupTable", "PaddingMask", "CausalMask", "TargetMask", "PositionIds", "SliceSeq", "RowDot", "ScoreSum",
    "SequenceLogits", "RealPositions", "LastPosition", "TakePosition", "RecentWindow", "SumFields", "Catalogue",
    "BroadcastBatch", "TakeColumns", "SubtractRow", "FirstRow",
]

_PKG = "recsys"


@keras.saving.register_keras_serializable(package=_PKG)
class LookupTable(keras.layers.Layer):
    """A frozen ``[rows, width]`` table (text vectors, feature multi-hots) looked up by id.

    The values live in a non-trainable weight, so they are saved with the model. Input
    ``[...]`` int ids, output ``[..., width]``.
    """

    def __init__(self, rows: int, width: int, **kwargs):
        super().__init__(**kwargs)
        self.rows, self.width = rows, width
        self.table = self.add_weight(shape=(rows, width), initializer="zeros", trainable=False, name="table")

    def set_table(self, values) -> None:
        self.table.assign(ops.convert_to_tensor(values, dtype=self.table.dtype))

    def call(self, ids):
        return ops.take(self.table, ops.cast(ids, "int32"), axis=0)

    def get_config(self):
        return super().get_config() | {"rows": self.rows, "width": self.width}


@keras.saving.register_keras_serializable(package=_PKG)
class PaddingMask(keras.layers.Layer):
    """``[B, L]`` ids -> ``[B, L, 1]`` float, 1 for real items and 0 for padding (id 0)."""

    def call(self, ids):
        return ops.expand_dims(ops.cast(ops.not_equal(ids, 0), self.compute_dtype), -1)


@keras.saving.register_keras_serializable(package=_PKG)
class CausalMask(keras.layers.Layer):
    """``[B, L]`` ids -> ``[B, L, L]`` bool: query i may attend key j iff j <= i and j is real.

    A padded query row would be empty; it may attend itself so its softmax stays defined
    (its output is never used).
    """

    def call(self, ids):
        length = ops.shape(ids)[1]
        row = ops.expand_dims(ops.arange(length), 1)
        col = ops.expand_dims(ops.arange(length), 0)
        causal = ops.expand_dims(ops.greater_equal(row, col), 0)
        real_key = ops.expand_dims(ops.not_equal(ids, 0), 1)
        own = ops.expand_dims(ops.equal(row, col), 0)
        real_query = ops.expand_dims(ops.not_equal(ids, 0), 2)
        return ops.logical_or(ops.logical_and(causal, real_key), ops.logical_and(own, ops.logical_not(real_query)))


@keras.saving.register_keras_serializable(package=_PKG)
class TargetMask(keras.layers.Layer):
    """(history ``[B, K]``, candidates ``[B, C]``) -> ``[B, C, K]`` bool, True on real history items."""

    def call(self, history, candidates):
        real = ops.not_equal(history, 0)
        return ops.logical_and(ops.expand_dims(real, 1), ops.expand_dims(ops.ones_like(candidates, dtype="bool"), -1))


@keras.saving.register_keras_serializable(package=_PKG)
class PositionIds(keras.layers.Layer):
    """``[B, L]`` -> ``[B, L]`` positions ``0..L-1`` (histories are left-padded, so position
    ``L-1`` is always the most recent item)."""

    def call(self, ids):
        return ops.broadcast_to(ops.arange(ops.shape(ids)[1]), ops.shape(ids))


@keras.saving.register_keras_serializable(package=_PKG)
class SliceSeq(keras.layers.Layer):
    """``x[:, start:stop]`` along the sequence axis (``stop=None`` for the end)."""

    def __init__(self, start: int, stop: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.start, self.stop = start, stop

    def call(self, x):
        return x[:, self.start : self.stop]

    def get_config(self):
        return super().get_config() | {"start": self.start, "stop": self.stop}


@keras.saving.register_keras_serializable(package=_PKG)
class RowDot(keras.layers.Layer):
    """(``[B, ..., d]`` queries, ``[B, C, d]`` items) -> ``[B, ..., C]`` dot products; items
    ``[1, C, d]`` (one shared catalogue) are used by every row without being copied."""

    def call(self, queries, items):
        if items.shape[0] == 1:
            return ops.einsum("b...d,cd->b...c", queries, items[0])
        if len(queries.shape) == 2:
            return ops.einsum("bd,bcd->bc", queries, items)
        return ops.einsum("bld,bcd->blc", queries, items)


@keras.saving.register_keras_serializable(package=_PKG)
class ScoreSum(keras.layers.Layer):
    """Adds ``[B, C]`` score terms and ``[B, C, 1]`` ones (squeezed)."""

    def call(self, terms):
        terms = [t if len(t.shape) == 2 else ops.squeeze(t, -1) for t in terms]
        out = terms[0]
        for t in terms[1:]:
            out = out + t
        return out


@keras.saving.register_keras_serializable(package=_PKG)
class SequenceLogits(keras.layers.Layer):
    """(sequence ``[B, L, d]``, candidates ``[B, C, d]``, item bias ``[B, C, 1]``) -> ``[B, L, C]``:
    the dot-product score of every candidate at every history position (training only).
    Candidates and bias may be ``[1, C, ...]``: one catalogue shared by the batch; then the
    sequence may also be ``[M, d]`` (``RealPositions``), giving ``[M, C]``."""

    def call(self, sequence, candidates, bias):
        if len(sequence.shape) == 2:  # [M, d] vectors of real positions (RealPositions): [M, C]
            return ops.matmul(sequence, ops.transpose(candidates[0])) + ops.squeeze(bias, -1)
        if candidates.shape[0] == 1:
            dots = ops.einsum("bld,cd->blc", sequence, candidates[0])
        else:
            dots = ops.einsum("bld,bcd->blc", sequence, candidates)
        return dots + ops.expand_dims(ops.squeeze(bias, -1), 1)


@keras.saving.register_keras_serializable(package=_PKG)
class RealPositions(keras.layers.Layer):
    """(sequence ``[B, L, d]``, history ``[B, L]``) -> ``[M, d]``: the vectors at the batch's M
    real (non-padding) history positions, row by row (training: the per-position logits and their
    softmax, the costliest part of a step over a catalogue, then skip the padding)."""

    def call(self, sequence, history):
        flat = ops.reshape(sequence, (-1, ops.shape(sequence)[-1]))
        return ops.take(flat, ops.nonzero(ops.reshape(ops.not_equal(history, 0), (-1,)))[0], axis=0)


@keras.saving.register_keras_serializable(package=_PKG)
class LastPosition(keras.layers.Layer):
    """``[B, L, d]`` -> ``[B, d]``, the most recent position of a left-padded sequence."""

    def call(self, x):
        return x[:, -1, :]


@keras.saving.register_keras_serializable(package=_PKG)
class TakePosition(keras.layers.Layer):
    """(``[B, L, d]``, positions ``[B, 1]``) -> ``[B, d]``: each row's vector at its position."""

    def call(self, x, positions):
        index = ops.expand_dims(ops.cast(positions, "int32"), -1)  # [B, 1, 1]
        return ops.squeeze(ops.take_along_axis(x, index, axis=1), 1)


@keras.saving.register_keras_serializable(package=_PKG)
class RecentWindow(keras.layers.Layer):
    """(sequence ``[B, L, d]``, history ``[B, L]``[, positions ``[B, 1]``]) -> (``[B, K, d]``,
    ``[B, K]``): the ``K`` most recent positions (ending at each row's position when given,
    training's prefixes; ids 0 where the window reaches before the history starts). Target
    attention reads these, so its cost grows with K, not with L."""

    def __init__(self, size: int, **kwargs):
        super().__init__(**kwargs)
        self.size = size

    def call(self, sequence, history, positions=None):
        if positions is None:
            return sequence[:, -self.size :], history[:, -self.size :]
        index = ops.cast(positions, "int32") - self.size + 1 + ops.expand_dims(ops.arange(self.size), 0)  # [B, K]
        inside = ops.greater_equal(index, 0)
        index = ops.maximum(index, 0)
        ids = ops.where(inside, ops.take_along_axis(history, index, axis=1), ops.zeros_like(index))
        return ops.take_along_axis(sequence, ops.expand_dims(index, -1), axis=1), ids

    def compute_output_shape(self, sequence_shape, history_shape, positions_shape=None):
        return (sequence_shape[0], self.size, sequence_shape[2]), (history_shape[0], self.size)

    def get_config(self):
        return super().get_config() | {"size": self.size}


@keras.saving.register_keras_serializable(package=_PKG)
class SumFields(keras.layers.Layer):
    """``[B, F, d]`` -> ``[B, d]``: sum of per-field user attribute embeddings."""

    def call(self, x):
        return ops.sum(x, axis=1)


@keras.saving.register_keras_serializable(package=_PKG)
class Catalogue(keras.layers.Layer):
    """A fixed ``[1, C]`` row of item ids (the items every training step scores), whatever the
    input (a tensor only anchors the layer in the graph). Training only, never saved."""

    def __init__(self, ids, **kwargs):
        super().__init__(**kwargs)
        self.ids = [int(i) for i in ids]

    def call(self, anchor):
        return ops.expand_dims(ops.convert_to_tensor(self.ids, dtype="int32"), 0)

    def compute_output_shape(self, input_shape):
        return (1, len(self.ids))

    def get_config(self):
        return super().get_config() | {"ids": self.ids}


@keras.saving.register_keras_serializable(package=_PKG)
class BroadcastBatch(keras.layers.Layer):
    """(``[1, ...]`` x, ``[B, ...]`` like) -> x repeated to ``[B, ...]``."""

    def call(self, x, like):
        return ops.broadcast_to(x, (ops.shape(like)[0],) + tuple(ops.shape(x)[1:]))

    def compute_output_shape(self, x_shape, like_shape):
        return (like_shape[0],) + tuple(x_shape[1:])


@keras.saving.register_keras_serializable(package=_PKG)
class TakeColumns(keras.layers.Layer):
    """(``[1, N, ...]`` x, ``[B, C]`` columns with identical rows) -> ``[1, C, ...]``: the
    columns of a shared catalogue that this step scores (read from the first row)."""

    def call(self, x, columns):
        return ops.take(x, ops.cast(columns[0], "int32"), axis=1)

    def compute_output_shape(self, x_shape, columns_shape):
        return (1, columns_shape[1]) + tuple(x_shape[2:])


@keras.saving.register_keras_serializable(package=_PKG)
class SubtractRow(keras.layers.Layer):
    """(``[M, C]`` x, ``[B, C]`` row with identical rows) -> ``x - row[0]``: a per-column
    correction shared by every row (the sampled softmax's log Q)."""

    def call(self, x, row):
        return x - row[0]

    def compute_output_shape(self, x_shape, row_shape):
        return x_shape


@keras.saving.register_keras_serializable(package=_PKG)
class FirstRow(keras.layers.Layer):
    """``[B, ...]`` -> ``[1, ...]``: the first row (candidates shared by every row)."""

    def call(self, x):
        return ops.expand_dims(x[0], 0)  # not x[:1]: its batch size would not be static

    def compute_output_shape(self, x_shape):
        return (1,) + tuple(x_shape[1:])
