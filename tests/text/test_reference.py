"""Our Keras MiniLM matches sentence-transformers on the reference sentences: the vectors that
sentence-transformers computed for hard cases (empty, accented, CJK, HTML-looking, longer than the
256-token window), stored with how they were made in ``minilm_reference.json``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from recsys.text import DEFAULT_MODEL_NAME, TransformerTextEncoder

REFERENCE = json.loads((Path(__file__).parent / "minilm_reference.json").read_text(encoding="utf-8"))


def test_reference_covers_the_hard_cases():
    s = REFERENCE["sentences"]
    assert "" in s  # empty
    assert any("é" in x for x in s) and any("日本" in x for x in s)  # accented, CJK
    assert any("<script>" in x for x in s)  # HTML-looking
    assert any(len(x.split()) > 256 for x in s)  # longer than the 256-token window
    assert REFERENCE["max_seq_length"] == 256


@pytest.fixture(scope="module", params=["float32", "bfloat16"])
def encoder_at_precision(request, minilm):
    """The bundled encoder at both precisions (``auto`` picks one of them by CPU)."""
    if minilm.precision == request.param:
        return minilm
    return TransformerTextEncoder(precision=request.param).load()


def test_every_sentence_matches_the_reference(encoder_at_precision):
    ours = encoder_at_precision.encode(REFERENCE["sentences"])
    ref = np.asarray(REFERENCE["embeddings"], dtype=np.float32)
    assert ours.shape == ref.shape == (len(REFERENCE["sentences"]), 384)
    cos = np.sum(ours * ref, axis=1) / np.linalg.norm(ref, axis=1)  # ours are unit length
    bad = {s[:40]: round(float(c), 6) for s, c in zip(REFERENCE["sentences"], cos) if c < 0.999}
    assert not bad, f"cosine < 0.999 for {bad}"
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batching_does_not_change_vectors(encoder_at_precision):
    # one padded batch (the long sentence pads the rest to 256) vs each text alone
    enc = encoder_at_precision
    texts = REFERENCE["sentences"][:3]
    together = enc.encode(texts)
    alone = np.concatenate([enc.encode([t]) for t in texts])
    if enc.precision == "float32":
        np.testing.assert_allclose(together, alone, atol=1e-5)
    else:  # bfloat16 sums in a different order per padded length: same direction, not same bits
        assert np.sum(together * alone, axis=1).min() >= 0.9998


def test_long_text_is_truncated_to_256_tokens(minilm):
    long = REFERENCE["sentences"][-1]
    assert len(minilm.tokenize([long])[0]) == 256


def test_info_records_model_and_dimension(minilm):
    info = minilm.info()
    assert info["name"] == DEFAULT_MODEL_NAME and info["dim"] == 384 and info["kind"] == "transformer"
    assert Path(info["checkpoint"]).is_dir() and info["notice"] is None and info["max_length"] == 256
    assert info["precision"] in ("float32", "bfloat16")


def test_precision_is_part_of_the_cache_key(minilm):
    fp32, bf16 = (TransformerTextEncoder(precision=p) for p in ("float32", "bfloat16"))
    assert fp32.fingerprint != bf16.fingerprint
    assert minilm.fingerprint in (fp32.fingerprint, bf16.fingerprint)
    with pytest.raises(ValueError, match="precision"):
        TransformerTextEncoder(precision="float16")


@pytest.mark.slow
def test_lean_graph_matches_the_keras_backbone(minilm):
    # bert_graph re-implements the backbone's forward pass for speed: same vectors, both precisions
    assert minilm.graph_ == "lean"
    texts = REFERENCE["sentences"]
    exact = TransformerTextEncoder(precision="float32", lean_graph=False).load().encode(texts)
    lean = TransformerTextEncoder(precision="float32").load()
    assert lean.graph_ == "lean"
    cos = np.sum(lean.encode(texts) * exact, axis=1)
    assert cos.min() >= 0.99999, cos.min()
    # bfloat16 rounds differently along the two paths (their mutual cosine wanders around 0.9997),
    # so each is held to the float32 vectors: the lean graph adds no error beyond bfloat16's own.
    lean16 = TransformerTextEncoder(precision="bfloat16").load()
    keras16 = TransformerTextEncoder(precision="bfloat16", lean_graph=False).load()
    assert (lean16.graph_, keras16.graph_) == ("lean", "keras")
    lean_cos = np.sum(lean16.encode(texts) * exact, axis=1)
    keras_cos = np.sum(keras16.encode(texts) * exact, axis=1)
    assert lean_cos.min() >= 0.999 and keras_cos.min() >= 0.999, (lean_cos.min(), keras_cos.min())
    assert np.mean(1 - lean_cos) <= 1.5 * np.mean(1 - keras_cos) + 1e-5, (lean_cos, keras_cos)
