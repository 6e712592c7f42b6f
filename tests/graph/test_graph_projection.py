"""LightGCN item and user vectors as optional Transformer inputs (``graph_projection``,
``graph_user_projection``), like text vectors."""

from dataclasses import replace

import numpy as np
import pytest

from recsys.graph import graph_item_vectors
from recsys.model import ModelConfig, build_model, embedding_model
from recsys.model.features import build_feature_tables
from recsys.train import fit, load_run, save_run
from tests.tiny import TINY_MODEL, TINY_TRAIN


def test_graph_projection_is_off_by_default(dataset):
    assert ModelConfig().use_graph is False
    vectors = np.ones((dataset.n_items, 4), np.float32)
    model = build_model(TINY_MODEL, build_feature_tables(dataset, graph_vectors=vectors))
    assert not any(layer.name == "graph_projection" for layer in model.layers)


def test_graph_item_vectors_zero_for_items_without_training_edges(dataset, split):
    train = split.train[split.train["item_idx"] != 0]  # item 0 has no training interaction
    from recsys.graph import LightGCNConfig

    vectors = graph_item_vectors(train, dataset.n_users, dataset.n_items,
                                 config=LightGCNConfig(dim=8, layers=2, epochs=1, time_budget_s=None))
    assert vectors.shape == (dataset.n_items, 8)
    assert np.all(vectors[0] == 0)
    warm = np.bincount(train["item_idx"], minlength=dataset.n_items) > 0
    assert np.linalg.norm(vectors[warm], axis=1).mean() == pytest.approx(1.0, rel=1e-4)


def test_graph_vectors_change_item_representations(dataset):
    cfg = replace(TINY_MODEL, use_graph=True, use_text=False)
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(dataset.n_items, 6)).astype(np.float32)
    model = build_model(cfg, build_feature_tables(dataset, graph_vectors=vectors))
    layer = model.get_layer("graph_projection")
    assert layer.kernel.shape == (6, cfg.dim)
    np.testing.assert_allclose(np.asarray(model.get_layer("item_graph").table)[1:], vectors, atol=1e-6)
    ids = {"history": np.zeros((1, cfg.max_len), np.int32), "candidates": np.array([[1, 2]], np.int32)}
    ids |= {t.name: np.zeros((1, *t.shape[1:]), np.int32) for t in model.inputs if t.name == "user_features"}
    before = np.asarray(embedding_model(model)(ids)["candidate_embedding"])
    layer.kernel.assign(layer.kernel * 0.0)
    after = np.asarray(embedding_model(model)(ids)["candidate_embedding"])
    assert not np.allclose(before, after)


@pytest.mark.slow
def test_training_with_graph_vectors_saves_and_loads(dataset, split, tmp_path):
    cfg = replace(TINY_MODEL, use_graph=True)
    result = fit(dataset, split, cfg, replace(TINY_TRAIN, epochs=1))
    assert result.tables.item_graph is not None and result.tables.item_graph.shape[0] == dataset.n_items + 1
    assert np.all(result.tables.item_graph[0] == 0)
    assert result.tables.user_graph is not None and result.tables.user_graph.shape[0] == dataset.n_users + 1
    assert {"graph_projection", "graph_user_projection"} <= {layer.name for layer in result.model.layers}
    run = load_run(save_run(result, dataset, tmp_path / "run"))
    assert run.model_config.use_graph
    np.testing.assert_allclose(run.tables.item_graph, result.tables.item_graph, atol=1e-6)
    np.testing.assert_allclose(run.tables.user_graph, result.tables.user_graph, atol=1e-6)
    users = np.array([0, 1, 2])
    np.testing.assert_allclose(run.recommender().score_histories(run.recommender().history_matrix(users), users),
                               result_scores(result, dataset, users), rtol=1e-4, atol=1e-4)


def result_scores(result, dataset, users):
    from recsys.recommend import Recommender
    from recsys.train.windows import user_sequences

    rec = Recommender(result.model, result.tables, result.model_config.max_len,
                      user_sequences(dataset.interactions), result.model_config.heads)
    return rec.score_histories(rec.history_matrix(users), users)


def test_graph_user_vectors_enter_the_user_representation(dataset):
    """The user's LightGCN vector is looked up by the last user_features column (user index + 1;
    0 for an unknown user) and added to the user representation through graph_user_projection."""
    from recsys.model import interaction_model

    cfg = replace(TINY_MODEL, use_graph=True, use_text=False)
    rng = np.random.default_rng(1)
    tables = build_feature_tables(dataset, graph_vectors=rng.normal(size=(dataset.n_items, 6)).astype(np.float32),
                                  graph_user_vectors=rng.normal(size=(dataset.n_users, 5)).astype(np.float32))
    features = tables.user_features([0, 2, -1])
    assert features.shape == (3, len(tables.user_fields) + 1)
    assert features[:, -1].tolist() == [1, 3, 0]
    np.testing.assert_array_equal(features[:2, :-1], tables.user_ids[[0, 2]])
    model = build_model(cfg, tables)
    assert model.get_layer("graph_user_projection").kernel.shape == (5, cfg.dim)
    x = {"history": np.ones((2, cfg.max_len), np.int32), "candidates": np.array([[1, 2], [1, 2]], np.int32),
         "user_features": tables.user_features([0, 2])}
    x["user_features"][:, :-1] = 0  # same history, attributes hidden: only the graph rows differ
    hidden = np.asarray(interaction_model(model)(x)["user_representation"])
    assert not np.allclose(hidden[0], hidden[1])
    x["user_features"][:, -1] = 0  # unknown users: identical
    unknown = np.asarray(interaction_model(model)(x)["user_representation"])
    np.testing.assert_allclose(unknown[0], unknown[1], atol=1e-6)


@pytest.mark.slow
def test_graph_user_vectors_without_a_users_file():
    """Without user attributes the model still gets a one-column user_features input."""
    from recsys.data import leave_last_out, load_dataset
    from tests.tiny import tiny_frames

    bare = load_dataset(tiny_frames()[0])
    cfg = replace(TINY_MODEL, use_graph=True, use_text=False)
    result = fit(bare, leave_last_out(bare.interactions), cfg, replace(TINY_TRAIN, epochs=1))
    assert {t.name: tuple(t.shape[1:]) for t in result.model.inputs}["user_features"] == (1,)
    assert result.tables.user_fields == [] and result.tables.user_graph.shape[0] == bare.n_users + 1


@pytest.mark.slow
def test_run_experiment_shares_one_lightgcn_fit_with_the_transformer(dataset, split):
    from recsys.evaluate.experiment import run_experiment
    from recsys.graph import LightGCNConfig, transformer_inputs

    cfg = replace(TINY_MODEL, use_graph=True, use_text=False)
    exp = run_experiment(dataset, ("sasrec", "lightgcn"), cfg, replace(TINY_TRAIN, epochs=1), split=split,
                         lightgcn_config=LightGCNConfig(dim=8, layers=2, epochs=2, time_budget_s=None))
    users, items = transformer_inputs(exp.baselines["lightgcn"], split.train)
    np.testing.assert_allclose(exp.result.tables.item_graph[1:], items, atol=1e-6)
    np.testing.assert_allclose(exp.result.tables.user_graph[1:], users, atol=1e-6)
