"""Our Keras MiniLM matches sentence-transformers on the reference sentences (DESIGN.md)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from recsys.text import DEFAULT_MODEL_NAME

REFERENCE = json.loads((Path(__file__).parent / "minilm_reference.json").read_text(encoding="utf-8"))


def test_reference_covers_the_hard_cases():
    s = REFERENCE["sentences"]
    assert "" in s  # empty
    assert any("é" in x for x in s) and any("日本" in x for x in s)  # accented, CJK
    assert any("<script>" in x for x in s)  # HTML-looking
    assert any(len(x.split()) > 256 for x in s)  # longer than the 256-token window
    assert REFERENCE["max_seq_length"] == 256


def test_every_sentence_matches_the_reference(minilm):
    ours = minilm.encode(REFERENCE["sentences"])
    ref = np.asarray(REFERENCE["embeddings"], dtype=np.float32)
    assert ours.shape == ref.shape == (len(REFERENCE["sentences"]), 384)
    cos = np.sum(ours * ref, axis=1) / np.linalg.norm(ref, axis=1)  # ours are unit length
    bad = {s[:40]: round(float(c), 6) for s, c in zip(REFERENCE["sentences"], cos) if c < 0.999}
    assert not bad, f"cosine < 0.999 for {bad}"
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batching_does_not_change_vectors(minilm):
    # one padded batch (the long sentence pads the rest to 256) vs each text alone
    texts = REFERENCE["sentences"][:3]
    together = minilm.encode(texts)
    alone = np.concatenate([minilm.encode([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_long_text_is_truncated_to_256_tokens(minilm):
    long = REFERENCE["sentences"][-1]
    assert len(minilm.tokenize([long])[0]) == 256


def test_info_records_model_and_dimension(minilm):
    info = minilm.info()
    assert info["name"] == DEFAULT_MODEL_NAME and info["dim"] == 384 and info["kind"] == "transformer"
    assert Path(info["checkpoint"]).is_dir() and info["notice"] is None and info["max_length"] == 256
