"""Text whitening and the text adaptors: their layers, their place in every derived graph, and
a save/load round trip that keeps every score."""

from dataclasses import replace

import keras
import numpy as np
import pytest

from recsys.model import build_feature_tables, build_model, catalogue_model, gated_model
from recsys.model.features import to_model_ids
from recsys.model.stages import EMBEDDING_LAYERS
from recsys.text.whitening import fit_whitening
from tests.tiny import TINY_MODEL, TINY_TRAIN, text_vectors

L = TINY_MODEL.max_len
VARIANTS = {
    "dense": {"text_projection"},
    "whiten": {"text_adaptor"},
    "moe": {"text_experts", "text_expert_gate"},
    "residual": {"text_delta", "text_projection"},
}


def _inputs(dataset, tables):
    rng = np.random.default_rng(0)
    hist = to_model_ids(rng.integers(0, dataset.n_items, size=(3, L))).astype("int32")
    hist[1, :5] = 0
    cand = np.tile(to_model_ids(np.arange(dataset.n_items)).astype("int32"), (3, 1))
    return {"history": hist, "candidates": cand, "user_features": tables.user_features(np.arange(3))}


def _perturb(model):
    """Move every text weight off its initial value (zero deltas, a uniform gate) so a round trip
    that lost one of them would change the scores."""
    rng = np.random.default_rng(1)
    for name in ("text_delta", "text_expert_gate", "text_adaptor", "text_experts"):
        if any(layer.name == name for layer in model.layers):
            for w in model.get_layer(name).weights:
                w.assign(rng.normal(scale=0.3, size=w.shape).astype("float32"))


@pytest.fixture(scope="module")
def tables(dataset):
    return build_feature_tables(dataset, text_vectors(dataset.n_items, dim=12))


@pytest.mark.parametrize("adaptor", list(VARIANTS))
@pytest.mark.parametrize("whitening", ["none", "pca"])
def test_each_adaptor_builds_its_layers_and_round_trips(tmp_path, dataset, tables, adaptor, whitening):
    cfg = replace(TINY_MODEL, text_adaptor=adaptor, text_whitening=whitening, text_whiten_dim=6)
    model = build_model(cfg, tables)
    _perturb(model)
    names = {layer.name for layer in model.layers}
    assert VARIANTS[adaptor] <= names
    assert ("text_whitening" in names) == (whitening == "pca")
    others = set().union(*VARIANTS.values()) - VARIANTS[adaptor]
    assert not others & names
    for name in VARIANTS[adaptor] | ({"text_whitening"} if whitening == "pca" else set()):
        assert name in EMBEDDING_LAYERS  # the Model page's embedding-stage table lists it
    x = _inputs(dataset, tables)
    scores = np.asarray(model(x))
    # the derived graphs share the adaptor: same scores
    np.testing.assert_allclose(np.asarray(catalogue_model(model, cfg, tables)(x)), scores, rtol=1e-5, atol=1e-5)
    gated = gated_model(model, cfg, tables)
    ones = {
        t.name: np.ones((3, dataset.n_items) + tuple(t.shape[2:]), "float32")
        for t in gated.inputs
        if t.name.endswith("_gate")
    }
    np.testing.assert_allclose(np.asarray(gated(x | ones)), scores, rtol=1e-5, atol=1e-5)
    hidden = np.asarray(gated(x | ones | {"text_gate": np.zeros_like(ones["text_gate"])}))
    assert not np.allclose(hidden, scores, atol=1e-4)  # hiding the text changes the scores
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", compile=False, safe_mode=True)
    np.testing.assert_allclose(np.asarray(loaded(x)), scores, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(np.asarray(catalogue_model(loaded, cfg, tables)(x)), scores, rtol=1e-5, atol=1e-5)


def test_the_whitening_layer_holds_the_catalogue_fit(tables):
    cfg = replace(TINY_MODEL, text_whitening="pca", text_whiten_dim=5)
    model = build_model(cfg, tables)
    layer = model.get_layer("text_whitening")
    fitted = fit_whitening(tables.item_text[1:], 5)
    np.testing.assert_allclose(np.asarray(layer.mean), fitted.mean, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layer.matrix), fitted.matrix, rtol=1e-6)
    # the catalogue's rows are whitened once; new vectors are whitened the same way
    np.testing.assert_allclose(np.asarray(layer.table), fitted.transform(tables.item_text), rtol=1e-4, atol=1e-5)
    new = np.random.default_rng(3).normal(size=(2, tables.item_text.shape[1])).astype("float32")
    np.testing.assert_allclose(np.asarray(layer.transform(new)), fitted.transform(new), rtol=1e-4, atol=1e-5)
    assert model.get_layer("text_projection").kernel.shape == (5, TINY_MODEL.dim)
    assert not layer.trainable_weights  # a fixed transform
    # the lookup table keeps the raw vectors (explanations and text search read them)
    np.testing.assert_array_equal(np.asarray(model.get_layer("item_text").table), tables.item_text)


def test_default_config_keeps_the_single_text_projection(tables):
    model = build_model(TINY_MODEL, tables)
    names = {layer.name for layer in model.layers}
    assert "text_projection" in names and not names & {"text_whitening", "text_adaptor", "text_experts", "text_delta"}
    assert model.get_layer("text_projection").kernel.shape == (12, TINY_MODEL.dim)


def test_bad_choices_are_refused():
    with pytest.raises(ValueError, match="text_adaptor must be one of dense, whiten, moe, residual"):
        replace(TINY_MODEL, text_adaptor="lora")
    with pytest.raises(ValueError, match="text_whitening must be one of none, pca"):
        replace(TINY_MODEL, text_whitening="zca")


@pytest.mark.slow
@pytest.mark.parametrize("adaptor", ["moe", "residual"])
def test_a_trained_run_with_an_adaptor_loads_with_identical_scores(tmp_path, dataset, split, adaptor):
    from recsys.recommend import Recommender
    from recsys.train import fit, load_run, save_run

    cfg = replace(TINY_MODEL, text_adaptor=adaptor, text_whitening="pca", text_whiten_dim=6)
    result = fit(dataset, split, cfg, replace(TINY_TRAIN, epochs=1), text_vectors=text_vectors(dataset.n_items, dim=12))
    run = load_run(save_run(result, dataset, tmp_path / "run"))
    assert run.model_config == cfg
    users = np.arange(10)
    before = Recommender(result.model, result.tables, L, result.sequences).recommend_indices(users)
    after = Recommender(run.model, run.tables, L, result.sequences).recommend_indices(users)
    np.testing.assert_array_equal(before[0], after[0])
    np.testing.assert_allclose(before[1], after[1], atol=1e-5)
