"""On-disk cache of text embeddings, keyed by encoder fingerprint and text hash.

Layout: ``<cache_dir>/<fingerprint[:32]>/vectors.npz`` holds two arrays, ``keys`` ``[m]`` (the
BLAKE2b-128 hex digest of each text, ``S32``) and ``vectors`` ``[m, dim]`` float32, plus a
``meta.json`` naming the model (for people browsing the folder). One file per encoder keeps a
warm lookup to one read and one dict build (README, "Text encoder and cold start", has timings).

- Same text, same encoder -> hit. A changed text has a new hash -> only that text is encoded.
- A different checkpoint (path, size or mtime of its files) or encoder setting -> a different
  fingerprint -> a different folder, so nothing stale is ever returned.
- Writes go to a temporary file renamed over the old one, so readers never see half a file; two
  processes adding at once may drop one's additions (they are recomputed later), never corrupt.
- Rows are only appended; delete the folder to reclaim space.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["EmbeddingCache", "default_cache_dir", "text_keys"]

CACHE_ENV = "RECLENS_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$RECLENS_CACHE_DIR``, else ``$XDG_CACHE_HOME/reclens/text``, else ``~/.cache/reclens/text``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "reclens" / "text"


def text_keys(texts: Sequence[str]) -> np.ndarray:
    """``[n]`` ``S32``: hex BLAKE2b-128 of each text's UTF-8 bytes."""
    return np.array(
        [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest() for t in texts],
        dtype="S32",
    )


class EmbeddingCache:
    """Vectors of one encoder (one fingerprint), stored under ``cache_dir``.

    Args:
        fingerprint: The encoder's ``fingerprint`` (checkpoint identity + settings).
        cache_dir: Root folder; ``None`` uses ``default_cache_dir()``.
        meta: Written beside the vectors for humans (model name, checkpoint, dim).
    """

    def __init__(self, fingerprint: str, cache_dir: str | Path | None = None, meta: dict | None = None):
        self.fingerprint = fingerprint
        self.root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.folder = self.root / fingerprint[:32]
        self.path = self.folder / "vectors.npz"
        self.meta = meta or {}

    def _read(self) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, KeyError, ValueError):  # absent or unreadable: treat as empty
            return None
        if vectors.ndim != 2 or len(keys) != len(vectors):
            return None
        return keys, vectors

    def __len__(self) -> int:
        stored = self._read()
        return 0 if stored is None else len(stored[0])

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
        """Cached vectors for ``keys``.

        Returns:
            ``vectors`` ``[n, dim]`` (rows of misses are zero; ``None`` when the cache is empty)
            and ``found`` ``[n]`` bool.
        """
        stored = self._read()
        found = np.zeros(len(keys), dtype=bool)
        if stored is None:
            return None, found
        stored_keys, stored_vectors = stored
        where = {k: i for i, k in enumerate(stored_keys.tolist())}
        rows = np.fromiter((where.get(k, -1) for k in keys.tolist()), dtype=np.int64, count=len(keys))
        found = rows >= 0
        out = np.zeros((len(keys), stored_vectors.shape[1]), dtype=np.float32)
        out[found] = stored_vectors[rows[found]]
        return out, found

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        """Append ``[n]`` keys with their ``[n, dim]`` vectors (keys already stored are skipped)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        stored = self._read()
        if stored is not None and stored[1].shape[1] != vectors.shape[1]:
            stored = None  # a dimension change means the old file is not ours to extend
        keys = np.asarray(keys, dtype="S32")
        _, first = np.unique(keys, return_index=True)
        keys, vectors = keys[np.sort(first)], vectors[np.sort(first)]
        if stored is not None:
            new = ~np.isin(keys, stored[0])
            keys = np.concatenate([stored[0], keys[new]])
            vectors = np.concatenate([stored[1], vectors[new]])
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, keys=keys, vectors=vectors)
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        meta = {**self.meta, "fingerprint": self.fingerprint, "rows": int(len(keys))}
        (self.folder / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
