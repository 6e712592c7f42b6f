"""TF-IDF + truncated SVD text encoder: the fallback when no pretrained checkpoint can be loaded.

Same interface as ``TransformerTextEncoder`` (``encode``, ``info``, ``kind``, ``notice``), but
it learns its vocabulary from the texts it is fitted on (the item catalogue), so its vectors are
not cached across catalogues (``fingerprint`` is ``None``). It matches shared words, not meaning:
``notice`` says so in words the app shows next to any result computed with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from recsys.text.encoder import Progress
from recsys.text.messages import TextMsg

__all__ = ["TfidfTextEncoder"]


class TfidfTextEncoder:
    """Word (single letters included) uni/bi-gram TF-IDF (sublinear tf, accents stripped) reduced by truncated SVD.

    Args:
        dim: Target dimension; smaller when the corpus has fewer documents or terms.
        reason: Why the pretrained encoder is not used (goes into ``notice``).
        seed: SVD random state.

    Attributes:
        vectorizer_, svd_ (``None`` when the corpus is too small to reduce), dim_.
    """

    kind = "tfidf"
    fingerprint = None  # vectors depend on the fitted corpus: never cached by text alone

    def __init__(self, dim: int = 128, *, reason: str = "no checkpoint configured", seed: int = 0):
        self.dim = int(dim)
        self.reason = reason
        self.seed = seed

    @property
    def notice(self) -> str:
        return TextMsg.FALLBACK_NOTICE.format(reason=self.reason)

    @property
    def fitted(self) -> bool:
        return hasattr(self, "vectorizer_")

    def fit(self, texts: Sequence[str]) -> TfidfTextEncoder:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = [t if isinstance(t, str) else "" for t in texts]
        self.vectorizer_ = TfidfVectorizer(
            sublinear_tf=True, strip_accents="unicode", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b"
        )
        try:
            matrix = self.vectorizer_.fit_transform(docs)
        except ValueError:  # empty vocabulary: every text empty or stop-words only
            self.vectorizer_ = None
            self.svd_, self.dim_ = None, 1
            return self
        n_docs, n_terms = matrix.shape
        k = min(self.dim, n_terms - 1, n_docs - 1)
        if k < 2:  # too little text to reduce: use the raw TF-IDF space
            self.svd_, self.dim_ = None, n_terms
        else:
            self.svd_ = TruncatedSVD(n_components=k, random_state=self.seed).fit(matrix)
            self.dim_ = k
        return self

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """``[n, dim_]`` float32 unit rows (zero rows for texts with no known word).

        Fits on ``texts`` first if not fitted yet (the catalogue is the first thing encoded).
        """
        if not self.fitted:
            self.fit(texts)
        n = len(texts)
        if progress:
            progress(0, n)
        if self.vectorizer_ is None:
            out = np.zeros((n, 1), dtype=np.float32)
        else:
            matrix = self.vectorizer_.transform([t if isinstance(t, str) else "" for t in texts])
            out = self.svd_.transform(matrix) if self.svd_ is not None else matrix.toarray()
            out = np.asarray(out, dtype=np.float32)
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out = np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)
        if progress:
            progress(n, n)
        return out

    def info(self) -> dict:
        return {
            "name": "tfidf-svd",
            "dim": self.dim_ if self.fitted else self.dim,
            "checkpoint": None,
            "kind": self.kind,
            "notice": self.notice,
        }
