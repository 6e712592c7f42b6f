"""Length-sorted batches padded to their own longest text, and progress, without running the model."""

from __future__ import annotations

import numpy as np

from recsys.text import TransformerTextEncoder


def test_batches_are_sorted_by_length_padded_and_reported(monkeypatch):
    enc = TransformerTextEncoder(batch_size=4, max_length=256)
    lengths = [3, 12, 5, 3, 30, 7, 9, 4, 2, 11]  # token counts, [CLS]/[SEP] included
    ids = [[i + 1] * n for i, n in enumerate(lengths)]
    shapes, seen = [], []

    def forward(token_ids, mask):
        shapes.append(token_ids.shape)
        assert ((token_ids > 0) == (mask == 1)).all()  # mask marks exactly the real tokens
        seen.append(token_ids[:, 0].copy())
        return mask[:, :2].astype(np.float32) * token_ids[:, :1]  # row i -> (id, id): traceable

    monkeypatch.setattr(enc, "tokenize", lambda texts: ids)
    monkeypatch.setattr(enc, "_forward", forward, raising=False)
    monkeypatch.setattr(enc, "_pad_id", 0, raising=False)
    monkeypatch.setattr(TransformerTextEncoder, "dim", 2)
    progress = []
    out = enc.encode(["x"] * len(ids), progress=lambda d, t: progress.append((d, t)))
    # sorted by length (2,3,3,4 | 5,7,9,11 | 12,30): each batch padded to its own longest text
    assert shapes == [(4, 4), (4, 11), (2, 30)]
    assert progress == [(0, 10), (4, 10), (8, 10), (10, 10)]
    np.testing.assert_array_equal(out[:, 0], np.arange(1, 11))  # back in input order
