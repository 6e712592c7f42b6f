"""The Model page's layer tables place the text whitening and adaptor layers in the embedding stage."""

from dataclasses import replace

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
    assert table.loc["text_whitening", "trainable"] == 0 and table.loc["text_whitening", "parameters"] == 8 + 8 * 4
    trainable = {"moe": "text_experts", "residual": "text_delta", "whiten": "text_adaptor"}[adaptor]
    assert table.loc[trainable, "trainable"] > 0
