import dataclasses
import threading

import numpy as np
import pytest

from recsys.recommend import Recommender
from recsys.train import TrainConfig, fit, load_run, save_run
from tests.tiny import TINY_MODEL, TINY_TRAIN


def test_softmax_loss_reads_the_compact_layout_like_the_full_one():
    """MaskedSoftmaxCE on [M, C] logits at the real positions equals it on [B, L, C] with padding."""
    from recsys.train.fit import MaskedSoftmaxCE

    rng = np.random.default_rng(0)
    labels = np.array([[-1, -1, 2, 0], [1, 3, 3, 2]], "int32")  # [B=2, L=4], -1 = padding
    logits = rng.normal(size=(2, 4, 5)).astype("float32")  # [B, L, C]
    full = float(MaskedSoftmaxCE()(labels, logits))
    compact = float(MaskedSoftmaxCE()(labels, logits[labels >= 0]))  # [M=6, C], row by row
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    by_hand = -np.mean([logp[b, t, labels[b, t]] for b in range(2) for t in range(4) if labels[b, t] >= 0])
    assert full == pytest.approx(by_hand, rel=1e-5) and compact == pytest.approx(by_hand, rel=1e-5)


def test_fit_records_a_curve_and_keeps_the_best_epoch(trained):
    assert len(trained.curve) == TINY_TRAIN.epochs
    assert {"epoch", "loss", "valid_ndcg@10", "valid_hr@10", "seconds"} <= set(trained.curve[0])
    best = max(trained.curve, key=lambda r: r["valid_ndcg@10"])
    assert trained.best_epoch == best["epoch"]
    assert np.isfinite(trained.curve[-1]["loss"])


def test_training_lowers_the_loss(dataset, split):
    result = fit(dataset, split, TINY_MODEL, TrainConfig(epochs=4, batch_size=32, learning_rate=5e-3, patience=10))
    losses = [r["loss"] for r in result.curve]
    assert losses[-1] < losses[0]


def test_same_seed_same_model(dataset, split):
    cfg = TrainConfig(epochs=1, batch_size=32, seed=3)
    a = fit(dataset, split, TINY_MODEL, cfg)
    b = fit(dataset, split, TINY_MODEL, cfg)
    for wa, wb in zip(a.model.get_weights(), b.model.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=1e-6)


def test_progress_events_and_cancellation(dataset, split):
    cancel = threading.Event()
    events = []

    def progress(event):
        events.append(event)
        if event["stage"] == "batch" and event["batch"] == 1:
            cancel.set()

    result = fit(dataset, split, TINY_MODEL, TrainConfig(epochs=5, batch_size=16), progress=progress, cancel=cancel)
    assert result.cancelled
    assert len(result.curve) == 1  # stopped during the first epoch
    assert events[0]["stage"] == "batch" and events[0]["batches"] > 1


def test_rating_loss_trains_a_regression_head(dataset, split):
    result = fit(dataset, split, TINY_MODEL, TrainConfig(epochs=1, batch_size=64, loss="mse"))
    assert result.rating_mean == pytest.approx(split.train["rating"].mean())
    assert np.isfinite(result.curve[0]["loss"])


def test_sampled_softmax_trains(dataset, split):
    result = fit(dataset, split, TINY_MODEL, TrainConfig(epochs=1, batch_size=16, loss="sampled", num_negatives=8))
    assert np.isfinite(result.curve[0]["loss"])


def test_seen_items_are_never_recommended(dataset, trained):
    rec = Recommender(trained.model, trained.tables, TINY_MODEL.max_len, trained.sequences, TINY_MODEL.heads)
    users = np.arange(dataset.n_users)
    items, scores = rec.recommend_indices(users, k=10)
    for u, row in zip(users, items):
        assert not set(row) & set(rec.seen([u])[0])
    assert (items == -1).any(), "the tiny fixture has users who saw almost everything"
    assert np.all(np.isneginf(scores[items == -1]))
    finite = np.where(np.isfinite(scores), scores, -1e30)
    assert np.all(np.diff(finite, axis=1) <= 0)  # best first


def test_run_round_trip_gives_identical_scores(tmp_path, dataset, split, trained):
    path = save_run(trained, dataset, tmp_path / "run", metrics={"test": {"ndcg@10": 0.1}})
    run = load_run(path)
    users = np.arange(10)
    before = Recommender(trained.model, trained.tables, TINY_MODEL.max_len, trained.sequences).recommend_indices(users)
    loaded = Recommender(run.model, run.tables, run.model_config.max_len, trained.sequences).recommend_indices(users)
    np.testing.assert_array_equal(before[0], loaded[0])
    np.testing.assert_allclose(before[1], loaded[1], atol=1e-5)
    assert run.metrics == {"test": {"ndcg@10": 0.1}}
    assert run.dataset.n_items == dataset.n_items
    assert run.dataset.items.frame["genres"].iloc[0] == dataset.items.frame["genres"].iloc[0]
    recs = run.recommender().recommend(run.dataset, dataset.user_encoder.classes_[0], k=5)
    assert list(recs.columns) == ["rank", "item_id", "title", "score"] and len(recs) == 5


def test_run_keeps_the_column_names_and_types_the_user_gave(tmp_path, dataset, trained):
    from recsys.data.spec import ColumnSpec, FlagGroup

    spec = ColumnSpec(names=("item_id", "title"), types=(("provider", "ignore"),),
                      flags=(FlagGroup("moods", ("calm", "dark")),), encoding="latin-1")
    run = load_run(save_run(trained, dataclasses.replace(dataset, columns={"items": spec}), tmp_path / "run"))
    assert run.dataset.columns == {"items": spec}


def test_load_run_on_a_wrong_folder_says_what_is_missing(tmp_path):
    from recsys.errors import RecLensError

    with pytest.raises(RecLensError, match="is not a RecLens run"):
        load_run(tmp_path)
