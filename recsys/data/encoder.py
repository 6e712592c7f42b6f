"""IdEncoder: raw ids <-> contiguous indices ``0..n-1``, in one object."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recsys.errors import DataError, Msg, NotFittedError

__all__ = ["IdEncoder"]


class IdEncoder:
    """Maps raw ids (kept as strings) to contiguous indices and back.

    Indices follow first appearance in the data given to ``fit``, so encoding is stable for a
    given file. Unknown ids raise ``DataError`` (``unknown="error"``) or map to ``-1``
    (``unknown="ignore"``), the documented cold-start path: callers route ``-1`` to the
    text-only or popularity fallback.

    Attributes:
        classes_: ``[n]`` raw ids in index order.
    """

    def __init__(self, kind: str = "item"):
        self.kind = kind

    def fit(self, ids) -> IdEncoder:
        values = pd.Index(pd.unique(pd.Series(ids, dtype="object").astype(str)))
        self.classes_ = np.asarray(values, dtype=object)
        self.index_ = pd.Index(self.classes_)
        return self

    def fit_transform(self, ids) -> np.ndarray:
        """``fit(ids)`` and ``transform(ids)`` in one pass (one hash of the ids, not two)."""
        codes, uniques = pd.factorize(pd.Series(ids, dtype="object").astype(str))
        self.classes_ = np.asarray(uniques, dtype=object)
        self.index_ = pd.Index(self.classes_)
        return codes.astype(np.int64)

    def _check(self) -> None:
        if not hasattr(self, "classes_"):
            raise NotFittedError(Msg.NOT_FITTED.format(name=f"{self.kind} encoder"))

    def __len__(self) -> int:
        self._check()
        return len(self.classes_)

    def __contains__(self, raw_id) -> bool:
        self._check()
        return str(raw_id) in self.index_

    def transform(self, ids, unknown: str = "error") -> np.ndarray:
        """Raw ids -> ``[n] int64`` indices.

        Args:
            ids: Iterable of raw ids (any type; compared as strings).
            unknown: ``"error"`` raises ``DataError`` naming the unknown ids; ``"ignore"`` gives -1.
        """
        self._check()
        raw = pd.Series(ids, dtype="object").astype(str)
        idx = self.index_.get_indexer(raw)
        missing = idx < 0
        if missing.any() and unknown == "error":
            unknown_ids = pd.unique(raw[missing])
            examples = ", ".join(repr(x) for x in unknown_ids[:5])
            raise DataError(Msg.UNKNOWN_IDS.format(count=len(unknown_ids), kind=self.kind, examples=examples))
        return idx.astype(np.int64)

    def inverse_transform(self, indices) -> np.ndarray:
        """Indices -> ``[n]`` raw ids (strings)."""
        self._check()
        idx = np.asarray(indices, dtype=np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= len(self.classes_)):
            raise DataError(f"{self.kind} index out of range 0..{len(self.classes_) - 1}.")
        return self.classes_[idx]

    def to_list(self) -> list[str]:
        """For saving with a run (JSON)."""
        self._check()
        return [str(x) for x in self.classes_]

    @classmethod
    def from_list(cls, ids: list[str], kind: str = "item") -> IdEncoder:
        return cls(kind).fit(ids)
