"""The Model page's layer tables place the text whitening and adaptor layers in the embedding stage."""

from dataclasses import replace

import numpy as np
import pytest

from recsys.model import build_feature_tables, build_model
from recsys.ui.views.model_view import layer_table
from tests.tiny import TINY_MODEL, text_vectors, tiny_dataset


@pytest.mark.parametrize(
    ("adaptor", "names"),
    [
        ("moe", {"text_whitening", "text_experts", "text_expert_gate"}),
        ("residual", {"text_whitening", "text_delta", "text_projection"}),
        ("whiten", {"text_whitening", "text_adaptor"}),
    ],
)
def test_text_layers_are_listed_in_the_embedding_stage(adaptor, names):
    dataset = tiny_dataset()
    cfg = replace(TINY_MODEL, text_adaptor=adaptor, text_whitening="pca", text_whiten_dim=4)
    model = build_model(cfg, build_feature_tables(dataset, text_vectors(dataset.n_items, dim=8)))
    table = layer_table(model).set_index("layer")
    assert table["parameters"].sum() == model.count_params()
    for name in names:
        assert table.loc[name, "stage"] == "embedding", name
    assert (
        table.loc["text_whitening", "trainable"] == 0
        and table.loc["text_whitening", "parameters"] == 8 + 8 * 4 + (dataset.n_items + 1) * 4
    )
    trainable = {"moe": "text_experts", "residual": "text_delta", "whiten": "text_adaptor"}[adaptor]
    assert table.loc[trainable, "trainable"] > 0


def test_text_vector_summary_shows_the_whitening_and_the_expert_gate():
    from types import SimpleNamespace

    from recsys.ui.views.model_view import text_vector_summary

    dataset = tiny_dataset()
    tables = build_feature_tables(dataset, text_vectors(dataset.n_items, dim=8) + 2.0)  # a shared offset: anisotropic
    cfg = replace(TINY_MODEL, text_adaptor="moe", text_whitening="pca", text_whiten_dim=4)
    run = SimpleNamespace(model=build_model(cfg, tables), tables=tables, model_config=cfg)
    summary = text_vector_summary(run)
    assert summary["adaptor"] == "moe" and summary["whitening"] == 4
    assert summary["raw"] > 0.5 and abs(summary["input"]) < 0.05
    assert summary["experts"].shape == (dataset.n_items, 4)
    np.testing.assert_allclose(summary["experts"].sum(1), 1.0, rtol=1e-5)
    plain = SimpleNamespace(model=build_model(TINY_MODEL, tables), tables=tables, model_config=TINY_MODEL)
    summary = text_vector_summary(plain)
    assert summary["whitening"] is None and summary["experts"] is None and summary["input"] == summary["raw"]
