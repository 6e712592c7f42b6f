"""Training windows streamed from Parquet shards through ``tf.data`` (the scalable input path).

The in-memory path (``recsys.train.batches.MemoryBatches``) holds every window in NumPy arrays. Here the
windows are cut a chunk of users at a time and written to Parquet shards (columns ``user``,
``history [L]``, ``labels [L]``), then read back row group by row group inside a ``tf.data``
pipeline: shards in a seeded random order, a bounded shuffle buffer, fixed-size batches, the
candidate catalogue and user attributes attached in the graph. Memory for windows is bounded by
one chunk while writing and by the shuffle buffer while training, however large the file.

Labels are precomputed for the full softmax: the column of each target in the sorted catalogue
of warm items (``-1`` = padding).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import tensorflow as tf

from recsys.model.features import FeatureTables
from recsys.train.batches import softmax_batch
from recsys.train.sampling import column_log_q
from recsys.train.windows import make_windows

__all__ = ["WindowShards", "write_window_shards", "read_shard", "window_dataset", "STREAM_LOSSES", "STREAM_LOSS"]

STREAM_LOSSES = ("softmax",)
STREAM_LOSS = ("The Parquet input pipeline (and distributed training) supports loss='softmax' only, got '{loss}'. "
               "Use the default in-memory input for the sampled or rating loss.")


@dataclass(frozen=True)
class WindowShards:
    """Parquet shards of training windows. ``rows``: windows in all shards; ``max_len``: L."""

    paths: tuple[str, ...]
    rows: int
    max_len: int


def _fixed_list(values: np.ndarray) -> pa.FixedSizeListArray:
    return pa.FixedSizeListArray.from_arrays(pa.array(values.ravel(), pa.int32()), values.shape[1])


def write_window_shards(
    sequences: dict[int, np.ndarray], max_len: int, catalogue: np.ndarray, out_dir,
    rows_per_shard: int = 65_536, users_per_chunk: int = 2048,
) -> WindowShards:
    """Cut ``sequences`` into windows (``make_windows``) a chunk of users at a time and write them.

    Args:
        sequences: ``user_idx -> [n]`` model ids in time order.
        catalogue: ``[C]`` sorted model ids that compete in the softmax (every target is one).
        out_dir: Folder for ``windows-00000.parquet``, ...
        rows_per_shard: A shard is written once this many windows are waiting.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    users = sorted(sequences)
    paths, pending, waiting, rows = [], [], 0, 0

    def flush():
        nonlocal pending, waiting
        table = pa.concat_tables(pending)
        path = out / f"windows-{len(paths):05d}.parquet"
        pq.write_table(table, path, row_group_size=8192)
        paths.append(str(path))
        pending, waiting = [], 0

    for start in range(0, len(users), users_per_chunk):
        chunk = {u: sequences[u] for u in users[start : start + users_per_chunk]}
        w = make_windows(chunk, max_len)
        labels = np.where(w.targets > 0, np.searchsorted(catalogue, w.targets), -1).astype(np.int32)
        pending.append(pa.table({"user": pa.array(w.users, pa.int64()), "history": _fixed_list(w.history),
                                 "labels": _fixed_list(labels)}))
        waiting += len(w)
        rows += len(w)
        if waiting >= rows_per_shard:
            flush()
    if pending:
        flush()
    return WindowShards(tuple(paths), rows, max_len)


def read_shard(path, max_len: int, block: int = 8192):
    """Yield ``(users [n], history [n, L], labels [n, L])`` blocks of one shard."""
    path = path.decode() if isinstance(path, bytes) else str(path)
    for batch in pq.ParquetFile(path).iter_batches(batch_size=block):
        hist = batch.column("history").flatten().to_numpy().reshape(-1, max_len)
        labels = batch.column("labels").flatten().to_numpy().reshape(-1, max_len)
        yield batch.column("user").to_numpy(), hist, labels


def window_dataset(
    shards: WindowShards, tables: FeatureTables, batch_size: int, seed: int,
    uses_user_features: bool, shuffle_buffer: int = 16_384, head_samples: int | None = None, n_catalogue: int = 0,
    frequencies: np.ndarray | None = None,
) -> tf.data.Dataset:
    """Batches ``(x, y)`` in the layout of the fixed-catalogue training model
    (``recsys.train.batches.softmax_batch``), streamed from ``shards``.

    Every epoch visits the shards in a new seeded order and shuffles windows within a
    ``shuffle_buffer``; the last incomplete batch is dropped (a different remainder each epoch),
    so batches have a fixed size, which splits evenly across replicas. The dataset is sharded by
    element (``AutoShardPolicy.DATA``): under ``MultiWorkerMirroredStrategy`` every worker reads
    the same stream and keeps its slice of each global batch, so the gradient of a step is the
    gradient of the same global batch single-machine training would see.

    ``head_samples``: the head trains on the batch's target columns plus this many random ones
    out of ``n_catalogue``, with the logQ of batches of ``batch_size`` targets drawn with
    ``frequencies`` ``[n_catalogue]`` (uniform when ``None``; ``recsys.train.sampling``).

    Returns:
        A ``tf.data.Dataset`` of known cardinality (batches per epoch).
    """
    user_table = tf.constant(tables.user_features(np.arange(tables.n_users))) if uses_user_features else None
    if head_samples:  # every batch has batch_size windows (drop_remainder), so one table serves all
        freq = frequencies if frequencies is not None else np.full(n_catalogue, 1.0 / max(n_catalogue, 1))
        log_q = tf.constant(column_log_q(freq, batch_size, head_samples), tf.float64)

    def to_model(users, hist, labels):
        x = {"history": hist}
        if user_table is not None:
            x["user_features"] = tf.gather(user_table, users)
        draw = _hashed_draw(hist, seed)
        head_sample = None
        if head_samples:
            head_sample = (_hashed_negatives(draw, seed, head_samples, n_catalogue), log_q)
        return softmax_batch(x, labels, draw, head_sample)

    rows = _shuffled_rows(shards, seed, shuffle_buffer)
    batches = rows.batch(batch_size, drop_remainder=True).map(to_model, num_parallel_calls=tf.data.AUTOTUNE)
    batches = batches.apply(tf.data.experimental.assert_cardinality(shards.rows // batch_size))
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    options.deterministic = True
    return batches.with_options(options).prefetch(2)


def _shuffled_rows(shards: WindowShards, seed: int, shuffle_buffer: int) -> tf.data.Dataset:
    """Windows ``(user, history [L], labels [L])``: shards in a seeded order, then a shuffle buffer."""
    length = shards.max_len
    sig = (tf.TensorSpec([None], tf.int64), tf.TensorSpec([None, length], tf.int32),
           tf.TensorSpec([None, length], tf.int32))
    files = tf.data.Dataset.from_tensor_slices(list(shards.paths))
    files = files.shuffle(max(len(shards.paths), 1), seed=seed, reshuffle_each_iteration=True)
    rows = files.flat_map(
        lambda p: tf.data.Dataset.from_generator(read_shard, args=(p, length), output_signature=sig)
    ).unbatch()
    return rows.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)


def _hashed_draw(hist, seed: int) -> tf.Tensor:
    """``[B]`` float64 in ``[0, 1)`` from a hash of each window, not a random op: tf.distribute may
    run the map on each replica's slice of the batch, and every worker must draw what one machine
    would. (So a window keeps its head position across epochs; windows differ.)"""
    weights = tf.range(1, hist.shape[1] + 1, dtype=tf.int64)
    key = tf.reduce_sum(tf.cast(hist, tf.int64) * weights, axis=1) * 2654435761 + seed
    return tf.cast(tf.math.floormod(key, 2**31), tf.float64) / 2**31


def _hashed_negatives(draw, seed: int, count: int, n_catalogue: int) -> tf.Tensor:
    """``[count]`` int32 random columns in ``[0, n_catalogue)``, seeded by ``seed`` and a hash of the
    batch (its windows' ``draw``): a stateless op, so the same seed gives the same negatives
    whatever order the parallel map runs its batches in (a stateful random op would not)."""
    key = tf.cast(tf.reduce_sum(tf.cast(draw * 2**31, tf.int64)) % (2**31 - 1), tf.int32)
    return tf.random.stateless_uniform([count], seed=tf.stack([tf.constant(seed, tf.int32), key]),
                                       minval=0, maxval=n_catalogue, dtype=tf.int32)
