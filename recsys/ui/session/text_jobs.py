"""Item text vectors computed in the background, once per catalogue, as soon as data is loaded.

Plain Python (no streamlit). Encoding a catalogue's texts with the pretrained encoder takes tens
of seconds; starting it when the data loads (the user is then reading the Data page) means the
Train page usually finds the vectors ready. One job per catalogue (keyed by its fingerprint) in
this server process: sessions with the same items share it, and training waits for a running job
instead of encoding the same texts a second time. The vectors also land in the on-disk embedding
cache (``recsys.text.cache``), so a restarted server reads them back in milliseconds.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import numpy as np

__all__ = ["TextJob", "text_job"]

log = logging.getLogger(__name__)
_JOBS: dict[str, TextJob] = {}
_LOCK = threading.Lock()


@dataclass
class TextJob:
    """Encoding one catalogue's item texts in a daemon thread.

    Attributes:
        done_texts, total_texts: Progress over the texts that need encoding (cached ones skipped).
        vectors: ``[N, T]`` once finished; ``info`` as ``recsys.text.encode_items`` returns it.
        error: Why encoding failed (the caller then encodes itself, or trains without text).
    """

    key: str
    done_texts: int = 0
    total_texts: int = 0
    vectors: np.ndarray | None = None
    info: dict | None = None
    error: str | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def running(self) -> bool:
        return not self._done.is_set()

    def _progress(self, done: int, total: int) -> None:
        self.done_texts, self.total_texts = done, total

    def _run(self, dataset) -> None:
        try:
            from recsys.text import encode_items

            self.vectors, self.info = encode_items(dataset, progress=self._progress)
        except Exception as err:  # the training thread falls back to encoding itself
            log.exception("background text encoding failed")
            self.error = f"{type(err).__name__}: {err}"
        finally:
            self.finished = time.time()
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until finished (``True``) or ``timeout`` seconds passed (``False``)."""
        return self._done.wait(timeout)


def text_job(dataset, key: str, start: bool = True) -> TextJob | None:
    """The text job of the catalogue with fingerprint ``key``, started on first request.

    Returns ``None`` without an items file (ids are not worth a language model) or when
    ``start`` is false and no job exists.
    """
    if dataset.items is None:
        return None
    with _LOCK:
        job = _JOBS.get(key)
        if job is None or (job.error is not None and start):
            if not start:
                return None
            job = _JOBS[key] = TextJob(key)
            threading.Thread(target=job._run, args=(dataset,), name="reclens-text", daemon=True).start()
    return job
