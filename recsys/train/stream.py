"""Training windows streamed from Parquet shards through ``tf.data`` (the scalable input path).

The in-memory path (``recsys.train.batches.MemoryBatches``) holds every window in NumPy arrays. Here the
windows are cut a chunk of users at a time and written to Parquet shards (columns ``user``,
``history [L]``, ``labels [L]``), then read back row group by row group inside a ``tf.data``
pipeline: shards in a seeded random order, a bounded shuffle buffer, fixed-size batches, the
candidate catalogue and user attributes attached in the graph. Memory for windows is bounded by
one chunk while writing and by the shuffle buffer while training, however large the file.

Labels are precomputed for the full softmax: the column of each target in the sorted catalogue
of warm items (``-1`` = padding). A set model (``TrainConfig.shuffle_histories``) needs new windows
every epoch: its shards hold each user's history (``user``, ``items``) and the windows are cut
while reading, from histories shuffled for that pass over the shard (the k-th read of a shard
is epoch k, in every worker alike).
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
from recsys.train.windows import make_windows, shuffle_sequences

__all__ = ["WindowShards", "write_window_shards", "read_shard", "ShuffledReader", "window_dataset", "STREAM_LOSSES",
           "STREAM_LOSS"]

STREAM_LOSSES = ("softmax",)
STREAM_LOSS = ("The Parquet input pipeline (and distributed training) supports loss='softmax' only, got '{loss}'. "
               "Use the default in-memory input for the sampled or rating loss.")


@dataclass(frozen=True)
class WindowShards:
    """Parquet shards of training windows. ``rows``: windows in all shards; ``max_len``: L.
    ``shuffle_seed``: set for shards of histories to shuffle every epoch; ``catalogue``: their labels' columns."""

    paths: tuple[str, ...]
    rows: int
    max_len: int
    shuffle_seed: int | None = None
    catalogue: np.ndarray | None = None


def _fixed_list(values: np.ndarray) -> pa.FixedSizeListArray:
    return pa.FixedSizeListArray.from_arrays(pa.array(values.ravel(), pa.int32()), values.shape[1])


def write_window_shards(
    sequences: dict[int, np.ndarray], max_len: int, catalogue: np.ndarray, out_dir,
    rows_per_shard: int = 65_536, users_per_chunk: int = 2048, shuffle_seed: int | None = None,
) -> WindowShards:
    """Cut ``sequences`` into windows (``make_windows``) a chunk of users at a time and write them.

    Args:
        sequences: ``user_idx -> [n]`` model ids in time order.
        catalogue: ``[C]`` sorted model ids that compete in the softmax (every target is one).
        out_dir: Folder for ``windows-00000.parquet``, ...
        rows_per_shard: A shard is written once this many windows are waiting.
        shuffle_seed: Write the histories instead, to be shuffled with this seed every epoch.
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
        table, n = _history_table(chunk, max_len) if shuffle_seed is not None else _window_table(chunk, max_len, catalogue)
        pending.append(table)
        waiting += n
        rows += n
        if waiting >= rows_per_shard:
            flush()
    if pending:
        flush()
    return WindowShards(tuple(paths), rows, max_len, shuffle_seed, catalogue if shuffle_seed is not None else None)


def _window_table(chunk: dict[int, np.ndarray], max_len: int, catalogue: np.ndarray) -> tuple[pa.Table, int]:
    """``(table, windows)``: the windows of ``chunk`` with their softmax labels."""
    w = make_windows(chunk, max_len)
    return pa.table({"user": pa.array(w.users, pa.int64()), "history": _fixed_list(w.history),
                     "labels": _fixed_list(_labels(w.targets, catalogue))}), len(w)


def _history_table(chunk: dict[int, np.ndarray], max_len: int) -> tuple[pa.Table, int]:
    """``(table, windows)``: the histories of ``chunk`` and how many windows they make in any order."""
    lengths = np.array([len(s) for s in chunk.values()], np.int64)
    items = pa.array([s.astype(np.int32) for s in chunk.values()], pa.list_(pa.int32()))
    windows = int(np.sum(-(-np.maximum(lengths - 1, 0) // max_len)))  # make_windows: ceil((n - 1) / L) each
    return pa.table({"user": pa.array(list(chunk), pa.int64()), "items": items}), windows


def _labels(targets: np.ndarray, catalogue: np.ndarray) -> np.ndarray:
    """``[n, L]`` int32 column of each target model id in ``catalogue`` (``-1`` = padding)."""
    return np.where(targets > 0, np.searchsorted(catalogue, targets), -1).astype(np.int32)


def read_shard(path, max_len: int, block: int = 8192):
    """Yield ``(users [n], history [n, L], labels [n, L])`` blocks of one shard."""
    path = path.decode() if isinstance(path, bytes) else str(path)
    for batch in pq.ParquetFile(path).iter_batches(batch_size=block):
        hist = batch.column("history").flatten().to_numpy().reshape(-1, max_len)
        labels = batch.column("labels").flatten().to_numpy().reshape(-1, max_len)
        yield batch.column("user").to_numpy(), hist, labels


class ShuffledReader:
    """Reads history shards (``WindowShards.shuffle_seed`` set) as ``read_shard`` reads window
    shards: each block's histories shuffled for the pass (``shuffle_sequences`` keyed by the seed,
    the number of earlier reads of the shard and the block's first user), then cut into windows."""

    def __init__(self, shards: WindowShards):
        self.shards, self.passes = shards, {}

    def __call__(self, path, max_len: int, block: int = 8192):
        path = path.decode() if isinstance(path, bytes) else str(path)
        epoch = self.passes[path] = self.passes.get(path, -1) + 1
        for batch in pq.ParquetFile(path).iter_batches(batch_size=block):
            users = batch.column("user").to_numpy()
            column = batch.column("items")
            values, offsets = column.values.to_numpy(), column.offsets.to_numpy()  # offsets index .values
            chunk = {int(u): values[offsets[i]:offsets[i + 1]] for i, u in enumerate(users)}
            shuffled, _ = shuffle_sequences(chunk, self.shards.shuffle_seed, epoch, stream=int(users[0]))
            w = make_windows(shuffled, max_len)
            yield w.users, w.history, _labels(w.targets, self.shards.catalogue)


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
    read = read_shard if shards.shuffle_seed is None else ShuffledReader(shards)
    sig = (tf.TensorSpec([None], tf.int64), tf.TensorSpec([None, length], tf.int32),
           tf.TensorSpec([None, length], tf.int32))
    files = tf.data.Dataset.from_tensor_slices(list(shards.paths))
    files = files.shuffle(max(len(shards.paths), 1), seed=seed, reshuffle_each_iteration=True)
    rows = files.flat_map(
        lambda p: tf.data.Dataset.from_generator(read, args=(p, length), output_signature=sig)
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
