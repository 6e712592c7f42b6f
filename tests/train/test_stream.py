"""Training windows streamed from Parquet shards through tf.data; strategies; peak memory."""

import numpy as np
import pyarrow.parquet as pq
import pytest

from recsys.errors import RecLensError
from recsys.model.features import to_model_ids
from recsys.train import TrainConfig, fit, load_run, save_run
from recsys.train.distributed import NO_TF_CONFIG, UNKNOWN_STRATEGY, is_chief, make_strategy, worker_out
from recsys.train.fit import warm_items
from recsys.train.sampling import column_log_q, target_frequencies
from recsys.train.stream import STREAM_LOSS, window_dataset, write_window_shards
from recsys.train.windows import make_windows, user_sequences
from tests.tiny import TINY_MODEL


def _catalogue(split, dataset):
    return to_model_ids(np.flatnonzero(warm_items(split.train, dataset.n_items))).astype(np.int32)


def test_shards_hold_exactly_the_in_memory_windows(dataset, split, tmp_path):
    seqs = user_sequences(split.train)
    cat = _catalogue(split, dataset)
    # small shards and chunks, so several of each are written
    shards = write_window_shards(seqs, 12, cat, tmp_path, rows_per_shard=50, users_per_chunk=7)
    w = make_windows(seqs, 12)
    assert shards.rows == len(w) and len(shards.paths) > 1
    table = pq.read_table(list(shards.paths))
    hist = np.stack(table.column("history").to_numpy(zero_copy_only=False))
    labels = np.stack(table.column("labels").to_numpy(zero_copy_only=False))
    np.testing.assert_array_equal(hist, w.history)  # users in index order, as make_windows cuts them
    np.testing.assert_array_equal(table.column("user").to_numpy(), w.users)
    # label = column of the target in the catalogue; -1 where there is no target
    np.testing.assert_array_equal(np.where(labels >= 0, cat[np.maximum(labels, 0)], 0), w.targets)


def test_window_dataset_batches_in_the_training_layout(dataset, split, trained, tmp_path):
    seqs = user_sequences(split.train)
    cat = _catalogue(split, dataset)
    shards = write_window_shards(seqs, 12, cat, tmp_path, rows_per_shard=40)
    data = window_dataset(shards, trained.tables, batch_size=16, seed=0, uses_user_features=True,
                          shuffle_buffer=64)
    assert int(data.cardinality()) == shards.rows // 16  # the incomplete last batch is dropped
    x, y = next(iter(data))
    assert x["history"].shape == (16, 12) and "candidates" not in x  # the catalogue is inside the model
    assert x["user_features"].shape == (16, len(trained.tables.user_fields))
    position = x["head_position"].numpy()[:, 0]  # one random real target per window for the head
    labels = y["sequence_logits"].numpy()
    np.testing.assert_array_equal(y["scores"].numpy(), labels[np.arange(16), position])
    assert (y["scores"].numpy() >= 0).all()
    first = [b[0]["history"].numpy() for b in data]
    second = [b[0]["history"].numpy() for b in data]
    assert len(first) == shards.rows // 16
    assert not all(np.array_equal(a, b) for a, b in zip(first, second))  # reshuffled every epoch
    windows = {tuple(r) for r in make_windows(seqs, 12).history}
    assert all(tuple(r) in windows for b in first for r in b)


@pytest.mark.slow
def test_parquet_input_trains_and_records_peak_memory(dataset, split, tmp_path):
    cfg = TrainConfig(epochs=2, batch_size=32, learning_rate=5e-3, patience=10, input_pipeline="parquet")
    result = fit(dataset, split, TINY_MODEL, cfg, shards_dir=tmp_path / "shards")
    assert result.input_pipeline == "parquet" and result.replicas == 1
    assert result.curve[-1]["loss"] < result.curve[0]["loss"]
    assert result.peak_memory_mb > 50  # a TF process holds far more than 50 MB
    assert sorted(p.name for p in (tmp_path / "shards").iterdir())[0] == "windows-00000.parquet"
    run = load_run(save_run(result, dataset, tmp_path / "run"))
    assert run.info["peak_memory_mb"] == result.peak_memory_mb and run.info["input_pipeline"] == "parquet"
    assert run.train_config.input_pipeline == "parquet"


def test_parquet_input_supports_the_softmax_loss_only(dataset, split):
    with pytest.raises(ValueError, match="supports loss='softmax' only"):
        fit(dataset, split, TINY_MODEL, TrainConfig(epochs=1, loss="mse", input_pipeline="parquet"))
    assert "'{loss}'" in STREAM_LOSS


def test_unknown_input_pipeline_is_rejected():
    with pytest.raises(ValueError, match="input_pipeline"):
        TrainConfig(input_pipeline="csv")


def test_strategies_and_their_errors(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert make_strategy("default").num_replicas_in_sync == 1
    with pytest.raises(RecLensError) as err:
        make_strategy("multiworker")
    assert str(err.value) == NO_TF_CONFIG
    with pytest.raises(RecLensError) as err:
        make_strategy("ring")
    assert str(err.value) == UNKNOWN_STRATEGY.format(name="ring")
    assert is_chief()
    monkeypatch.setenv("TF_CONFIG", '{"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 1}}')
    assert not is_chief() and worker_out("runs/big/") == "runs/big-worker1"


def test_window_dataset_samples_head_columns_with_their_log_q(dataset, split, trained, tmp_path):
    """The streamed sampled head gets the batch's target columns plus random ones, each with the
    logQ correction for batches of batch_size draws."""
    seqs = user_sequences(split.train)
    cat = _catalogue(split, dataset)
    shards = write_window_shards(seqs, 12, cat, tmp_path)
    freq = target_frequencies(make_windows(seqs, 12).targets, cat)
    data = window_dataset(shards, trained.tables, batch_size=16, seed=0, uses_user_features=True,
                          head_samples=8, n_catalogue=len(cat), frequencies=freq)
    x, y = next(iter(data))
    columns = x["candidate_columns"].numpy()[0]
    np.testing.assert_allclose(x["column_log_q"].numpy()[0], column_log_q(freq, 16, 8)[columns], rtol=1e-6)
    labels = y["sequence_logits"].numpy()[np.arange(16), x["head_position"].numpy()[:, 0]]
    np.testing.assert_array_equal(columns[y["scores"].numpy()], labels)  # head labels index the columns


def test_the_streamed_sampled_head_is_the_same_for_the_same_seed(dataset, split, trained, tmp_path):
    """Negatives come from a stateless op keyed by the seed and the batch, so two passes over the
    stream (the parallel map may run batches in any order) give the same batches; another seed
    gives other negatives."""
    seqs = user_sequences(split.train)
    cat = _catalogue(split, dataset)
    shards = write_window_shards(seqs, 12, cat, tmp_path)

    def columns(seed):
        data = window_dataset(shards, trained.tables, batch_size=16, seed=seed, uses_user_features=True,
                              head_samples=8, n_catalogue=len(cat))
        return [x["candidate_columns"].numpy() for x, _ in data.take(4)]

    first, again, other = columns(0), columns(0), columns(1)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert any(a.shape != c.shape or (a != c).any() for a, c in zip(first, other))
