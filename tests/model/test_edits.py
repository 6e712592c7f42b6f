"""The what-if graph over one history gives the model's own scores."""

import numpy as np

from recsys.model import catalogue_model, to_model_ids
from recsys.model.edits import history_edit_model, history_items_model
from recsys.model.sequences import last_items
from recsys.train.windows import user_sequences
from tests.tiny import TINY_MODEL


def test_edited_histories_score_as_the_model_scores_them(dataset, trained):
    model, tables = trained.model, trained.tables
    seqs = user_sequences(dataset.interactions)
    user = max(seqs, key=lambda u: len(seqs[u]))
    history = last_items(seqs, [user], TINY_MODEL.max_len)  # [1, L], full
    keep = np.random.default_rng(0).random((5, TINY_MODEL.max_len)) < 0.5
    edited = np.where(keep, history, 0).astype(np.int32)  # hidden items become padding
    candidates = np.broadcast_to(to_model_ids(np.arange(tables.n_items)), (5, tables.n_items)).astype(np.int32)
    user_features = np.repeat(tables.user_features([user]), 5, 0).astype(np.int32)
    x = {"history": edited, "candidates": candidates, "user_features": user_features}
    items = history_items_model(model, TINY_MODEL, tables)({"history": history.astype(np.int32)})
    assert tuple(items.shape) == (1, TINY_MODEL.max_len, TINY_MODEL.dim)
    got = np.asarray(history_edit_model(model, TINY_MODEL, tables)(x | {"history_items": np.asarray(items)}))
    expected = np.asarray(catalogue_model(model, TINY_MODEL, tables)(x))
    np.testing.assert_allclose(got, expected, atol=1e-4)
