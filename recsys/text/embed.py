"""Embed texts and item catalogues: default encoder, automatic fallback, on-disk cache.

``encode_items(dataset)`` is what the rest of RecLens calls: item texts (``item_text``) ->
cached Transformer vectors, or TF-IDF vectors with a visible ``notice`` when the pretrained
checkpoint is missing or fails to load.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from recsys.text.cache import EmbeddingCache, text_keys
from recsys.text.encoder import EncoderLoadError, Progress, TransformerTextEncoder, default_checkpoint
from recsys.text.fallback import TfidfTextEncoder
from recsys.text.item_text import TEMPLATE, item_texts
from recsys.text.messages import TextMsg

__all__ = ["TextVectors", "embed_items", "embed_texts", "encode_items", "load_encoder"]


@dataclass
class TextVectors:
    """Vectors plus what made them.

    Attributes:
        vectors: ``[n, dim]`` float32, unit rows (zero rows possible with TF-IDF).
        info: ``name``, ``dim``, ``checkpoint``, ``kind`` (``"transformer"`` | ``"tfidf"``),
            ``notice`` (``None``, or the text the app must show for the fallback), ``cached`` and
            ``encoded`` counts, ``seconds``.
        encoder: The encoder to embed queries with (for TF-IDF: the fitted one).
    """

    vectors: np.ndarray
    info: dict
    encoder: object


@functools.lru_cache(maxsize=4)
def _shared_encoder(checkpoint: str) -> TransformerTextEncoder:
    # One loaded model per checkpoint and process: loading and compiling cost seconds.
    return TransformerTextEncoder(checkpoint)


def load_encoder(checkpoint: str | Path | None = None):
    """The Transformer encoder for ``checkpoint`` (default: bundled all-MiniLM-L6-v2), shared
    per process, or a ``TfidfTextEncoder`` whose ``notice`` says why when the checkpoint is
    missing or incomplete. Cheap: weights load on the first ``encode``.
    """
    path = Path(checkpoint) if checkpoint is not None else default_checkpoint()
    if path is None:
        return TfidfTextEncoder(reason=TextMsg.NO_DEFAULT_CHECKPOINT)
    encoder = _shared_encoder(str(Path(path).resolve()))
    try:
        encoder.fingerprint  # noqa: B018 - validates the directory without loading weights
    except EncoderLoadError as err:
        return TfidfTextEncoder(reason=str(err))
    return encoder


def _encode_cached(texts: list[str], encoder, cache_dir, use_cache: bool, progress: Progress | None):
    n, dim = len(texts), encoder.dim
    keys = text_keys(texts)
    cache = EmbeddingCache(encoder.fingerprint, cache_dir, meta=encoder.info()) if use_cache else None
    cached, found = cache.lookup(keys) if cache is not None else (None, np.zeros(n, dtype=bool))
    if cached is not None and cached.shape[1] != dim:
        cached, found = None, np.zeros(n, dtype=bool)
    out = np.zeros((n, dim), dtype=np.float32)
    if cached is not None:
        out[found] = cached[found]
    miss = np.flatnonzero(~found)
    if len(miss):
        # identical texts are encoded once
        uniq, first, inverse = np.unique(keys[miss], return_index=True, return_inverse=True)
        new = encoder.encode([texts[miss[i]] for i in first], progress=progress)
        out[miss] = new[inverse.reshape(-1)]
        if cache is not None:
            cache.add(uniq, new)
    elif progress:
        progress(n, n)
    return out, {"cached": int(found.sum()), "encoded": int(len(np.unique(keys[miss]))) if len(miss) else 0}


def embed_texts(texts: Sequence[str], encoder=None, *, cache_dir: str | Path | None = None, use_cache: bool = True,
                progress: Progress | None = None, fallback: bool = True) -> TextVectors:
    """Embed texts, reusing cached vectors and falling back to TF-IDF if the model cannot load.

    Args:
        texts: ``[n]`` strings (non-strings read as empty).
        encoder: A ``TransformerTextEncoder`` / ``TfidfTextEncoder``; ``None`` uses ``load_encoder()``.
        cache_dir: Cache root (default ``~/.cache/reclens/text`` or ``$RECLENS_CACHE_DIR``).
        use_cache: ``False`` neither reads nor writes the cache.
        progress: ``progress(done, total)`` over the texts actually encoded.
        fallback: ``False`` raises ``EncoderLoadError`` instead of falling back.
    """
    start = time.perf_counter()
    texts = [t if isinstance(t, str) else "" for t in texts]
    encoder = encoder if encoder is not None else load_encoder()
    stats = {"cached": 0, "encoded": len(texts)}
    vectors = None
    if encoder.kind != "tfidf":  # fitted-per-corpus TF-IDF vectors are never cached
        try:
            vectors, stats = _encode_cached(texts, encoder, cache_dir, use_cache, progress)
        except EncoderLoadError as err:
            if not fallback:
                raise
            encoder = TfidfTextEncoder(reason=str(err))
    if vectors is None:
        vectors = encoder.encode(texts, progress=progress)
    info = encoder.info() | stats | {"n": len(texts), "seconds": round(time.perf_counter() - start, 3)}
    return TextVectors(vectors=vectors, info=info, encoder=encoder)


def embed_items(dataset, encoder=None, cache_dir: str | Path | None = None, progress: Progress | None = None,
                **kwargs) -> TextVectors:
    """``embed_texts(item_texts(dataset))``: rows in item-index order; ``info["template"]`` set."""
    result = embed_texts(item_texts(dataset), encoder, cache_dir=cache_dir, progress=progress, **kwargs)
    result.info["template"] = TEMPLATE
    return result


def encode_items(dataset, encoder=None, cache_dir: str | Path | None = None,
                 progress: Progress | None = None) -> tuple[np.ndarray, dict]:
    """Item text vectors for a dataset.

    Args:
        dataset: ``recsys.data.Dataset`` (its ``items`` table may be ``None``: ids become texts).
        encoder: ``None`` for the default encoder with automatic TF-IDF fallback.
        cache_dir: Cache root; ``None`` for the default folder.
        progress: ``progress(done, total)``.

    Returns:
        ``vectors`` ``[n_items, dim]`` float32 in item-index order, and ``info`` (model name, dim,
        checkpoint, kind, notice, cached/encoded counts, template) to record with a run.
    """
    result = embed_items(dataset, encoder, cache_dir, progress)
    return result.vectors, result.info
