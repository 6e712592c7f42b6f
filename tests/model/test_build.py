from dataclasses import replace

import keras
import numpy as np
import pytest

from recsys.model import (
    attention_model,
    build_feature_tables,
    build_model,
    catalogue_model,
    embedding_model,
    gated_model,
    interaction_model,
    output_model,
    training_model,
)
from recsys.model.features import to_model_ids
from recsys.model.layers import RecentWindow
from tests.tiny import TINY_MODEL, text_vectors

L = TINY_MODEL.max_len


def _inputs(dataset, tables, n_pad=(0, 5, 11), candidates=None):
    """Three users' histories, left-padded with n_pad zeros each."""
    rng = np.random.default_rng(0)
    hist = to_model_ids(rng.integers(0, dataset.n_items, size=(len(n_pad), L))).astype("int32")
    for row, pad in enumerate(n_pad):
        hist[row, :pad] = 0
    cand = to_model_ids(np.arange(dataset.n_items) if candidates is None else candidates).astype("int32")
    x = {"history": hist, "candidates": np.tile(cand, (len(n_pad), 1))}
    x["user_features"] = tables.user_features(np.arange(len(n_pad)))
    return x


@pytest.fixture(scope="module")
def model_and_tables(dataset):
    tables = build_feature_tables(dataset, text_vectors(dataset.n_items))
    return build_model(TINY_MODEL, tables), tables


def test_stage_layers_have_stable_names(model_and_tables):
    model, _ = model_and_tables
    names = {layer.name for layer in model.layers}
    for name in (
        "item_embedding",
        "position_embedding",
        "text_projection",
        "feature_embedding",
        "numeric_projection",
        "user_embedding",
        "history_embedding",
        "candidate_embedding",
        "self_attention_0",
        "self_attention_1",
        "sequence_output",
        "user_representation",
        "target_attention",
        "target_context",
        "dot_score",
        "item_bias",
        "output_mlp",
        "scores",
    ):
        assert name in names, name
    assert isinstance(model.get_layer("self_attention_0"), keras.layers.MultiHeadAttention)
    assert isinstance(model.get_layer("target_attention"), keras.layers.MultiHeadAttention)


def test_optional_inputs_are_optional(dataset):
    """Without text vectors, items or users the model still builds (ids only)."""
    from recsys.data import load_dataset
    from tests.tiny import tiny_frames

    inter, _, _ = tiny_frames()
    bare = load_dataset(inter)
    model = build_model(TINY_MODEL, build_feature_tables(bare))
    names = {layer.name for layer in model.layers}
    assert "text_projection" not in names and "user_embedding" not in names
    assert {t.name for t in model.inputs} == {"history", "candidates"}


def test_scores_and_submodel_shapes(dataset, model_and_tables):
    model, tables = model_and_tables
    x = _inputs(dataset, tables)
    n, d = dataset.n_items, TINY_MODEL.dim
    assert model(x).shape == (3, n)
    emb = embedding_model(model)(x)
    assert emb["history_embedding"].shape == (3, L, d)
    assert emb["candidate_embedding"].shape == (3, n, d)
    inter = interaction_model(model)(x)
    assert inter["sequence_output"].shape == (3, L, d)
    assert inter["user_representation"].shape == (3, d)
    assert inter["target_context"].shape == (3, n, d)
    att = attention_model(model)(x)
    assert att["self_attention_0"].shape == (3, TINY_MODEL.heads, L, L)
    assert att["target_attention"].shape == (3, TINY_MODEL.heads, n, L)
    train = training_model(model)(x)
    assert train["sequence_logits"].shape == (3, L, n)


def test_catalogue_trainer_matches_per_row_candidates(dataset, model_and_tables):
    """The fixed-catalogue training graph (item tower once per step) gives the per-row graph's
    scores and sequence logits, and trains the same weights."""
    model, tables = model_and_tables
    catalogue = to_model_ids(np.arange(1, dataset.n_items, 2)).astype("int32")  # a subset, like warm items
    x = _inputs(dataset, tables, candidates=np.arange(1, dataset.n_items, 2))
    per_row = training_model(model)(x, training=False)
    fixed_trainer = training_model(model, TINY_MODEL, tables, catalogue=catalogue)
    assert "candidates" not in {t.name for t in fixed_trainer.inputs}
    last = np.full((3, 1), L - 1, dtype="int32")  # the whole history, as the model scores it
    fixed = fixed_trainer({k: v for k, v in x.items() if k != "candidates"} | {"head_position": last}, training=False)
    np.testing.assert_allclose(np.asarray(fixed["scores"]), np.asarray(per_row["scores"]), rtol=1e-5, atol=1e-5)
    # the catalogue trainer's sequence logits cover the real history positions only, row by row
    real = x["history"] != 0
    np.testing.assert_allclose(np.asarray(fixed["sequence_logits"]), np.asarray(per_row["sequence_logits"])[real],
                               rtol=1e-5, atol=1e-5)
    trained = {id(w) for w in fixed_trainer.trainable_weights}
    assert trained == {id(w) for w in model.trainable_weights}


def test_catalogue_model_gives_the_model_scores(dataset, model_and_tables):
    """Shared candidates (the item tower once per call) score exactly as the model does."""
    model, tables = model_and_tables
    x = _inputs(dataset, tables)
    shared = catalogue_model(model, TINY_MODEL, tables)
    assert "item_embedding" in {layer.name for layer in shared.layers}
    np.testing.assert_allclose(np.asarray(shared(x, training=False)), np.asarray(model(x, training=False)),
                               rtol=1e-5, atol=1e-5)


def test_sampled_head_scores_the_given_columns(dataset, model_and_tables):
    """With sampled_head, scores covers the given catalogue columns only (as the model scores
    those items) and sequence_logits still covers the whole catalogue."""
    model, tables = model_and_tables
    catalogue = to_model_ids(np.arange(dataset.n_items)).astype("int32")
    columns = np.array([4, 0, 7], dtype="int32")
    x = _inputs(dataset, tables, candidates=columns)  # candidate ids = catalogue[columns]
    expected = model(x, training=False)
    trainer = training_model(model, TINY_MODEL, tables, catalogue=catalogue, sampled_head=True)
    log_q = np.log(np.array([0.5, 0.9, 0.01], dtype="float32"))
    inputs = {k: v for k, v in x.items() if k != "candidates"} | {"candidate_columns": np.tile(columns, (3, 1)),
                                                                   "column_log_q": np.zeros((3, 3), "float32"),
                                                                   "head_position": np.full((3, 1), L - 1, "int32")}
    out = trainer(inputs, training=False)
    np.testing.assert_allclose(np.asarray(out["scores"]), np.asarray(expected), rtol=1e-5, atol=1e-5)
    corrected = trainer(inputs | {"column_log_q": np.tile(log_q, (3, 1))}, training=False)["scores"]
    np.testing.assert_allclose(np.asarray(corrected), np.asarray(expected) - log_q, rtol=1e-5, atol=1e-5)
    assert out["sequence_logits"].shape == ((x["history"] != 0).sum(), dataset.n_items)


def test_head_position_scores_the_prefix_only(dataset, model_and_tables):
    """The training head at position p sees the history up to p and nothing after it (the same
    causal view as the sequence logits at p); at L - 1 it is the model's score."""
    model, tables = model_and_tables
    catalogue = to_model_ids(np.arange(dataset.n_items)).astype("int32")
    trainer = training_model(model, TINY_MODEL, tables, catalogue=catalogue)
    x = {k: v for k, v in _inputs(dataset, tables).items() if k != "candidates"}
    p = L - 3
    at_p = np.full((3, 1), p, "int32")
    before = np.asarray(trainer(x | {"head_position": at_p}, training=False)["scores"])
    changed = np.array(x["history"]).copy()
    changed[:, p + 1:] = (changed[:, p + 1:] % dataset.n_items) + 1  # other real items after p
    after = trainer(x | {"history": changed, "head_position": at_p}, training=False)
    np.testing.assert_allclose(np.asarray(after["scores"]), before, rtol=1e-5, atol=1e-5)
    real = np.flatnonzero(np.asarray(x["history"]).reshape(-1) != 0)  # compact rows: real positions
    rows = np.flatnonzero(np.asarray(x["history"])[:, p] != 0)  # windows with a real item at p
    at = np.searchsorted(real, rows * L + p)  # its row among the compact logits
    np.testing.assert_allclose(np.asarray(after["sequence_logits"])[at], np.asarray(
        trainer(x | {"head_position": at_p}, training=False)["sequence_logits"])[at], rtol=1e-5, atol=1e-5)
    whole = trainer(x | {"history": changed, "head_position": np.full((3, 1), L - 1, "int32")}, training=False)
    assert not np.allclose(np.asarray(whole["scores"]), before)  # the later items do matter at L - 1


def test_submodels_share_weights(model_and_tables):
    model, _ = model_and_tables
    for sub in (embedding_model(model), interaction_model(model), attention_model(model)):
        assert sub.get_layer("item_embedding") is model.get_layer("item_embedding")


def test_output_model_reproduces_scores(dataset, model_and_tables):
    model, tables = model_and_tables
    x = _inputs(dataset, tables)
    emb, inter = embedding_model(model)(x), interaction_model(model)(x)
    scores = output_model(model)(
        {
            "user_representation": np.asarray(inter["user_representation"]),
            "candidate_embedding": np.asarray(emb["candidate_embedding"]),
            "candidates": x["candidates"],
            "target_context": np.asarray(inter["target_context"]),
        }
    )
    np.testing.assert_allclose(np.asarray(scores), np.asarray(model(x)), atol=1e-5)


def test_attention_rows_sum_to_one_over_real_items_and_are_causal(dataset, model_and_tables):
    model, tables = model_and_tables
    x = _inputs(dataset, tables, n_pad=(0, 5, 11))
    att = attention_model(model)(x)
    for row, pad in enumerate((0, 5, 11)):
        for name in ("self_attention_0", "self_attention_1"):
            a = np.asarray(att[name])[row]  # [heads, L, L]
            for q in range(pad, L):  # real query positions
                np.testing.assert_allclose(a[:, q].sum(-1), 1.0, atol=1e-5)
                assert np.all(a[:, q, :pad] == 0), "padding must get no attention"
                assert np.all(a[:, q, q + 1 :] == 0), "a history item never attends to a later one"
        ta = np.asarray(att["target_attention"])[row]  # [heads, C, L]
        np.testing.assert_allclose(ta.sum(-1), 1.0, atol=1e-5)
        assert np.all(ta[..., :pad] == 0)


def test_recent_window_takes_the_k_items_ending_at_each_position():
    seq = np.arange(12, dtype="float32").reshape(2, 6, 1)
    hist = np.array([[0, 0, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]], dtype="int32")
    window, ids = RecentWindow(3)(seq, hist)  # scoring: the 3 most recent positions
    np.testing.assert_array_equal(np.asarray(ids), hist[:, 3:])
    np.testing.assert_array_equal(np.asarray(window)[..., 0], seq[:, 3:, 0])
    window, ids = RecentWindow(3)(seq, hist, np.array([[1], [4]], dtype="int32"))  # training prefixes
    np.testing.assert_array_equal(np.asarray(ids), [[0, 0, 0], [3, 4, 5]])  # row 0 starts before position 0
    np.testing.assert_array_equal(np.asarray(window)[1, :, 0], [8, 9, 10])


def test_target_attention_reads_a_window_of_recent_items(dataset):
    """With target_window K < L, target attention covers positions L - K .. L - 1 (rows sum to
    one over the real ones), and the catalogue trainer at L - 1 still gives the model's scores."""
    cfg = replace(TINY_MODEL, target_window=4)
    tables = build_feature_tables(dataset, text_vectors(dataset.n_items))
    model = build_model(cfg, tables)
    x = _inputs(dataset, tables, n_pad=(0, 5, 10))
    ta = np.asarray(attention_model(model)(x)["target_attention"])
    assert ta.shape == (3, cfg.heads, dataset.n_items, 4)
    np.testing.assert_allclose(ta.sum(-1), 1.0, atol=1e-5)
    assert np.all(ta[2, ..., :2] == 0)  # the third history has only two real items, at L - 2 and L - 1
    catalogue = to_model_ids(np.arange(dataset.n_items)).astype("int32")
    trainer = training_model(model, cfg, tables, catalogue=catalogue)
    out = trainer({k: v for k, v in x.items() if k != "candidates"} | {"head_position": np.full((3, 1), L - 1, "int32")},
                  training=False)
    np.testing.assert_allclose(np.asarray(out["scores"]), np.asarray(model(x, training=False)), rtol=1e-5, atol=1e-5)


def test_keras_save_and_load_round_trip(tmp_path, dataset, trained):
    x = _inputs(dataset, trained.tables)
    path = tmp_path / "m.keras"
    trained.model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(trained.model(x)), atol=1e-6)
    a, b = attention_model(loaded)(x), attention_model(trained.model)(x)
    np.testing.assert_allclose(np.asarray(a["target_attention"]), np.asarray(b["target_attention"]), atol=1e-6)


def test_gated_model_matches_and_hides_side_features(dataset, trained):

    model, tables = trained.model, trained.tables
    x = _inputs(dataset, tables, candidates=np.arange(5))
    gated = gated_model(model, TINY_MODEL, tables)
    names = {t.name for t in gated.inputs}
    assert {"text_gate", "features_gate", "numeric_gate"} <= names
    ones = {
        "text_gate": np.ones((3, 5, 1), "float32"),
        "features_gate": np.ones((3, 5, len(tables.feature_names)), "float32"),
        "numeric_gate": np.ones((3, 5, len(tables.numeric_names)), "float32"),
    }
    np.testing.assert_allclose(np.asarray(gated(x | ones)), np.asarray(model(x)), atol=1e-5)
    hidden = ones | {"features_gate": np.zeros_like(ones["features_gate"])}
    assert not np.allclose(np.asarray(gated(x | hidden)), np.asarray(model(x)))
