"""Without a usable checkpoint, TF-IDF + SVD takes over and says so."""

from __future__ import annotations

import numpy as np
import pytest

from recsys.text import (
    EncoderLoadError,
    TfidfTextEncoder,
    TransformerTextEncoder,
    embed_texts,
    items_like_text,
    load_encoder,
)

TEXTS = [
    "space rocket launch to the moon",
    "rocket engines and orbit insertion",
    "baking sourdough bread",
    "bread and pastry recipes",
    "a romantic comedy in Paris",
]


def test_missing_checkpoint_gives_tfidf_with_notice(tmp_path):
    encoder = load_encoder(tmp_path / "missing")
    assert isinstance(encoder, TfidfTextEncoder)
    result = embed_texts(TEXTS, encoder, cache_dir=tmp_path)
    info = result.info
    assert info["kind"] == "tfidf" and "TF-IDF" in info["notice"] and "missing" in info["notice"]
    assert result.vectors.shape == (len(TEXTS), info["dim"]) and result.vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(result.vectors, axis=1), 1.0, atol=1e-5)
    assert not any(tmp_path.iterdir())  # TF-IDF vectors are never cached


def test_transformer_pointed_at_missing_dir_falls_back(tmp_path):
    result = embed_texts(TEXTS, TransformerTextEncoder(tmp_path / "nope"), cache_dir=tmp_path)
    assert result.info["kind"] == "tfidf" and result.info["notice"]
    assert isinstance(result.encoder, TfidfTextEncoder) and result.vectors.shape[0] == len(TEXTS)


def test_checkpoint_that_fails_to_load_falls_back(tmp_path):
    ckpt = tmp_path / "broken"
    ckpt.mkdir()
    (ckpt / "config.json").write_text('{"model_type": "bert", "hidden_size": 8, "vocab_size": 10}')
    (ckpt / "tokenizer.json").write_text("not a tokenizer")
    (ckpt / "model.safetensors").write_bytes(b"garbage")
    result = embed_texts(TEXTS, TransformerTextEncoder(ckpt), cache_dir=tmp_path / "cache")
    assert result.info["kind"] == "tfidf" and "Could not load" in result.info["notice"]


def test_fallback_can_be_refused(tmp_path):
    with pytest.raises(EncoderLoadError, match="No text-encoder checkpoint"):
        embed_texts(TEXTS, TransformerTextEncoder(tmp_path / "nope"), fallback=False)


def test_tfidf_search_finds_shared_words():
    encoder = TfidfTextEncoder()
    vectors = encoder.encode(TEXTS)
    idx, _ = items_like_text("rocket launch", vectors, encoder, k=2)
    assert set(idx.tolist()) == {0, 1}


@pytest.mark.parametrize("texts", [["only one text"], ["", ""], ["a", "b"]])
def test_tfidf_copes_with_tiny_or_empty_corpora(texts):
    vectors = TfidfTextEncoder().encode(texts)
    assert vectors.shape[0] == len(texts) and np.isfinite(vectors).all()
