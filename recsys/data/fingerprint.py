"""The fingerprint of the files a dataset was loaded from, recorded with every run.

The app lists a saved run only for sessions whose own files have the same fingerprint, so a run
trained on someone's upload is never shown to a session that merely uploads a file of the same
name. The CLI's ``train`` and the app compute it the same way, from the file names and the bytes:

- ``file_digest``: the first 20 hex digits of the SHA-256 of a file's bytes;
- ``data_fingerprint``: the first 16 hex digits of the SHA-256 of the ``repr`` of the
  ``(name, digest)`` pairs of the interactions, items and users files (``None`` for a missing
  side file). The name is the file's base name, as a browser upload reports it.

The formula is fixed: runs saved earlier record fingerprints made this way. Column choices are
not part of it: a session holding the same files may open a run whatever columns it mapped.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["data_fingerprint", "file_digest", "fingerprint_files"]

_CHUNK = 1 << 20


def file_digest(data: bytes) -> str:
    """Digest of one file's bytes (20 hex digits)."""
    return hashlib.sha256(data).hexdigest()[:20]


def _path_digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            sha.update(block)
    return sha.hexdigest()[:20]


def data_fingerprint(files) -> str:
    """Fingerprint (16 hex digits) of ``files``: the interactions, items and users entries in this
    order, each a ``(name, digest)`` tuple or ``None``."""
    key = tuple(None if f is None else (str(f[0]), str(f[1])) for f in files)
    return hashlib.sha256(repr(key).encode()).hexdigest()[:16]


def fingerprint_files(interactions, items=None, users=None) -> str:
    """``data_fingerprint`` of files on disk (read in 1 MB blocks), as the app computes it for uploads."""
    paths = [None if p is None else Path(p) for p in (interactions, items, users)]
    return data_fingerprint([None if p is None else (p.name, _path_digest(p)) for p in paths])
