"""The Transformer as a set model: histories shuffled every epoch, seeded by the seed and the epoch
(in memory and from Parquet shards), on by default with a random split, and recorded with the run;
the sampled columns' padding that keeps batches of every width acceptable to Keras."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from recsys.data import make_split
from recsys.model.features import to_model_ids
from recsys.train import TrainConfig, fit, load_run, save_run
from recsys.train.batches import PAD_LOG_Q, MemoryBatches
from recsys.train.fit import MaskedSoftmaxCE, set_model, warm_items
from recsys.train.stream import ShuffledReader, window_dataset, write_window_shards
from recsys.train.windows import make_windows, shuffle_sequences, user_sequences
from tests.tiny import TINY_MODEL


def test_shuffle_sequences_depends_on_seed_and_epoch_only():
    seqs = {3: np.arange(1, 21), 1: np.arange(30, 45)}
    ratings = {u: s * 0.5 for u, s in seqs.items()}
    a, ra = shuffle_sequences(seqs, seed=0, epoch=1, ratings=ratings)
    b, _ = shuffle_sequences(dict(reversed(list(seqs.items()))), seed=0, epoch=1)  # dict order does not matter
    for u in seqs:
        assert sorted(a[u]) == sorted(seqs[u])  # the same items, another order
        np.testing.assert_array_equal(a[u], b[u])
        np.testing.assert_array_equal(ra[u], a[u] * 0.5)  # ratings move with their items
    assert not np.array_equal(a[3], seqs[3])
    assert not np.array_equal(a[3], shuffle_sequences(seqs, seed=0, epoch=2)[0][3])
    assert not np.array_equal(a[3], shuffle_sequences(seqs, seed=1, epoch=1)[0][3])
    assert shuffle_sequences(seqs, 0, 1)[1] is None


def test_set_model_follows_the_split_unless_set():
    random = make_split(_frame(), "random")
    timed = make_split(_frame(), "time")
    assert set_model(TrainConfig(), random) and not set_model(TrainConfig(), timed)
    assert not set_model(TrainConfig(shuffle_histories=False), random)
    assert set_model(TrainConfig(shuffle_histories=True), timed)
    with pytest.raises(ValueError, match="split must be one of"):
        TrainConfig(split="chronological")


def _frame() -> pd.DataFrame:
    return pd.DataFrame([(u, i) for u in range(5) for i in range(6)], columns=["user_idx", "item_idx"])


def _catalogue(split, dataset):
    return to_model_ids(np.flatnonzero(warm_items(split.train, dataset.n_items))).astype(np.int32)


def test_memory_batches_cut_new_windows_each_epoch(dataset, split, trained):
    seqs = user_sequences(split.train)
    cfg = TrainConfig(batch_size=16, shuffle_histories=True)

    def epoch_windows(epoch):
        return make_windows(shuffle_sequences(seqs, cfg.seed, epoch)[0], 12)

    batches = MemoryBatches(
        epoch_windows(0), trained.tables, cfg, False, 0.0, _catalogue(split, dataset), epoch_windows=epoch_windows
    )
    seen = []
    for _ in range(3):  # Keras calls on_epoch_begin before each epoch's first batch
        batches.on_epoch_begin()
        seen.append(batches.w.history.copy())
        batches.on_epoch_end()
    np.testing.assert_array_equal(seen[0], epoch_windows(0).history)
    np.testing.assert_array_equal(seen[2], epoch_windows(2).history)
    assert not np.array_equal(seen[0], seen[1]) and seen[0].shape == seen[1].shape
    fixed = MemoryBatches(epoch_windows(0), trained.tables, cfg, False, 0.0, _catalogue(split, dataset))
    fixed.on_epoch_begin()
    fixed.on_epoch_end()
    fixed.on_epoch_begin()
    np.testing.assert_array_equal(fixed.w.history, seen[0])  # without epoch_windows: the same windows


def _pass(reader, shards):
    blocks = [b for path in shards.paths for b in reader(path.encode(), shards.max_len)]
    return [np.concatenate([b[i] for b in blocks]) for i in range(3)]


def test_shuffled_shards_hold_histories_and_read_as_new_windows_each_pass(dataset, split, trained, tmp_path):
    seqs = user_sequences(split.train)
    cat = _catalogue(split, dataset)
    shards = write_window_shards(seqs, 12, cat, tmp_path, rows_per_shard=50, users_per_chunk=7, shuffle_seed=4)
    assert shards.rows == len(make_windows(seqs, 12)) and len(shards.paths) > 1  # as many windows in any order
    reader = ShuffledReader(shards)
    (users0, hist0, labels0), (_, hist1, _) = _pass(reader, shards), _pass(reader, shards)
    assert len(hist0) == shards.rows and not np.array_equal(hist0, hist1)
    again = _pass(ShuffledReader(shards), shards)  # a new reader (another worker, a rerun) reads pass 0 alike
    np.testing.assert_array_equal(again[1], hist0)
    targets = np.where(labels0 >= 0, cat[np.maximum(labels0, 0)], 0)
    for u in seqs:  # every item of a user but the (shuffled) first is a target once; none is foreign
        rows = users0 == u
        mine = targets[rows][targets[rows] > 0]
        assert len(mine) == len(seqs[u]) - 1 and set(mine) <= set(seqs[u])
        assert set(hist0[rows][hist0[rows] > 0]) | set(mine) == set(seqs[u])
    data = window_dataset(shards, trained.tables, batch_size=16, seed=0, uses_user_features=False)
    assert int(data.cardinality()) == shards.rows // 16
    first_pass = [x["history"].numpy() for x, _ in data]
    assert len(first_pass) == shards.rows // 16


@pytest.mark.slow
def test_fit_on_a_random_split_trains_a_set_model_the_same_each_time(dataset, tmp_path):
    split = make_split(dataset.interactions, "random", seed=2)
    cfg = TrainConfig(epochs=2, batch_size=32, learning_rate=5e-3, seed=2, patience=5)
    a, b = fit(dataset, split, TINY_MODEL, cfg), fit(dataset, split, TINY_MODEL, cfg)
    assert a.train_config.shuffle_histories is True and cfg.shuffle_histories is None
    for wa, wb in zip(a.model.get_weights(), b.model.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    ordered = fit(dataset, split, TINY_MODEL, replace(cfg, shuffle_histories=False))
    assert any(not np.array_equal(x, y) for x, y in zip(a.model.get_weights(), ordered.model.get_weights()))
    run = load_run(save_run(a, dataset, tmp_path / "run"))
    assert run.info["split"] == {
        "strategy": "random_leave_one_out",
        "seed": 2,
        "how": "random",
        "time_order": "timestamp",
    }
    assert run.train_config.shuffle_histories is True
    assert run.split().test.index.equals(split.test.index)  # pages that audit the run rebuild this split


@pytest.mark.slow
def test_parquet_input_trains_a_set_model(dataset, tmp_path):
    split = make_split(dataset.interactions, "random", seed=0)
    cfg = TrainConfig(epochs=2, batch_size=32, learning_rate=5e-3, patience=5, input_pipeline="parquet")
    result = fit(dataset, split, TINY_MODEL, cfg, shards_dir=tmp_path / "shards")
    assert result.train_config.shuffle_histories and result.input_pipeline == "parquet"
    assert result.curve[-1]["loss"] < result.curve[0]["loss"]
    assert pq.read_schema(sorted((tmp_path / "shards").iterdir())[0]).names == ["user", "items"]


def test_sampled_columns_are_padded_so_keras_keeps_their_width_free(dataset, split, trained):
    """Keras fixes an input dimension that is equal in batches 0 and 1; the sampled head's column
    count varies, so even batches get an even count and odd ones an odd count (one padding column at
    most), which never changes the loss: a padding column's corrected logit is about -1e9."""
    seqs = user_sequences(split.train)
    cat = _catalogue(split, dataset)
    cfg = TrainConfig(batch_size=16, head_samples=8)
    batches = MemoryBatches(make_windows(seqs, 12), trained.tables, cfg, False, 0.0, cat, sampled=True)
    assert len(batches) > 2
    padded = 0
    for i in range(len(batches)):
        x, y = batches[i]
        columns, log_q = x["candidate_columns"], x["column_log_q"]
        assert columns.shape[1] % 2 == i % 2
        real = int(np.sum(log_q[0] < PAD_LOG_Q))
        assert columns.shape[1] - real in (0, 1) and np.all(log_q[:, real:] == PAD_LOG_Q)
        assert np.all(np.diff(columns[0, :real]) > 0) and np.all(columns[:, real:] == columns[:, real - 1 : real])
        assert y["scores"].max() < real  # labels point at real columns only
        padded += columns.shape[1] - real
    assert padded  # some batch needed a padding column
    logits = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    labels = np.array([0, 4, 2, 1])
    pad = np.concatenate([logits, logits[:, -1:] - PAD_LOG_Q], axis=1)
    loss = MaskedSoftmaxCE()
    assert float(loss(labels, pad)) == pytest.approx(float(loss(labels, logits)), abs=1e-6)
    one = MemoryBatches(make_windows({0: seqs[0]}, 12), trained.tables, cfg, False, 0.0, cat, sampled=True)
    assert len(one) == 1 and one[0][0]["candidate_columns"].shape[1] == min(len(cat), 16 + 8)
