"""Embedding cache: hits, re-encoding only changed texts, invalidation by checkpoint identity."""

from __future__ import annotations

import os

import numpy as np
import pytest

from recsys.text import EmbeddingCache, checkpoint_fingerprint, embed_texts, text_keys
from tests.text.conftest import FakeEncoder

TEXTS = ["A space opera about rebels", "Baking bread at home", "A heist in Rome", "Baking bread at home"]


def test_second_call_is_a_cache_hit(fake, tmp_path):
    first = embed_texts(TEXTS, fake, cache_dir=tmp_path)
    assert fake.encoded == TEXTS[:3]  # the repeated text is encoded once
    assert first.info["encoded"] == 3 and first.info["cached"] == 0
    second = embed_texts(TEXTS, fake, cache_dir=tmp_path)
    assert len(fake.calls) == 1  # no second model call
    assert second.info["cached"] == 4 and second.info["encoded"] == 0
    np.testing.assert_array_equal(first.vectors, second.vectors)


def test_changed_text_is_the_only_one_reencoded(fake, tmp_path):
    embed_texts(TEXTS, fake, cache_dir=tmp_path)
    changed = TEXTS[:2] + ["A heist in Venice"] + TEXTS[3:]
    result = embed_texts(changed, fake, cache_dir=tmp_path)
    assert fake.calls[-1] == ["A heist in Venice"]
    np.testing.assert_array_equal(result.vectors, fake.encode(changed))


def test_other_checkpoint_does_not_see_the_cache(fake, tmp_path):
    embed_texts(TEXTS, fake, cache_dir=tmp_path)
    other = FakeEncoder(fingerprint="fake-checkpoint-2")
    result = embed_texts(TEXTS, other, cache_dir=tmp_path)
    assert other.encoded == TEXTS[:3] and result.info["cached"] == 0


def test_no_cache_neither_reads_nor_writes(fake, tmp_path):
    embed_texts(TEXTS, fake, cache_dir=tmp_path, use_cache=False)
    embed_texts(TEXTS, fake, cache_dir=tmp_path, use_cache=False)
    assert len(fake.calls) == 2 and not any(tmp_path.iterdir())


def test_unreadable_cache_file_is_recomputed(fake, tmp_path):
    embed_texts(TEXTS, fake, cache_dir=tmp_path)
    cache = EmbeddingCache(fake.fingerprint, tmp_path)
    cache.path.write_bytes(b"not an npz")
    result = embed_texts(TEXTS, fake, cache_dir=tmp_path)
    assert result.info["encoded"] == 3 and len(cache) == 3


def test_cache_lookup_round_trip(tmp_path):
    cache = EmbeddingCache("abc", tmp_path, meta={"name": "x"})
    keys = text_keys(["a", "b"])
    cache.add(keys, np.eye(2, dtype=np.float32))
    vectors, found = cache.lookup(text_keys(["b", "zzz", "a"]))
    assert found.tolist() == [True, False, True]
    np.testing.assert_array_equal(vectors, [[0, 1], [0, 0], [1, 0]])
    assert (cache.folder / "meta.json").is_file()


def _fake_checkpoint(path):
    path.mkdir()
    (path / "config.json").write_text('{"hidden_size": 4, "model_type": "bert"}')
    (path / "tokenizer.json").write_text("{}")
    (path / "model.safetensors").write_bytes(b"\0" * 16)
    return path


def test_checkpoint_fingerprint_follows_the_weights(tmp_path):
    ckpt = _fake_checkpoint(tmp_path / "ckpt")
    before = checkpoint_fingerprint(ckpt)
    assert checkpoint_fingerprint(ckpt) == before  # stable
    weights = ckpt / "model.safetensors"
    st = weights.stat()
    os.utime(weights, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    touched = checkpoint_fingerprint(ckpt)
    weights.write_bytes(b"\0" * 32)
    resized = checkpoint_fingerprint(ckpt)
    assert len({before, touched, resized}) == 3


def test_real_encoder_second_call_makes_no_model_call(minilm, tmp_path, monkeypatch):
    calls = []
    forward = minilm._forward
    monkeypatch.setattr(minilm, "_forward", lambda *a: calls.append(1) or forward(*a))
    texts = ["space rocket launch", "a quiet family drama"]
    first = embed_texts(texts, minilm, cache_dir=tmp_path)
    assert len(calls) == 1
    second = embed_texts(texts, minilm, cache_dir=tmp_path)
    assert len(calls) == 1 and second.info["cached"] == 2
    np.testing.assert_array_equal(first.vectors, second.vectors)


@pytest.mark.parametrize("bad", [None, 3.5])
def test_non_string_texts_read_as_empty(fake, tmp_path, bad):
    result = embed_texts(["x", bad], fake, cache_dir=tmp_path)
    assert fake.encoded == ["x", ""] and result.vectors.shape == (2, 8)
