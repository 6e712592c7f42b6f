"""The stages of a training job, each with its status and elapsed time, built from progress events.

Plain Python (no streamlit): ``TrainJob`` feeds it the events of ``recsys.evaluate.experiment.run_experiment``
and ``recsys.train.fit``; the Train page lists the stages, so a user sees what is running, for how
long, and what is left (the text vectors, the model's preparation, each epoch, each baseline).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

__all__ = ["Stage", "Stages", "STAGE_LABELS"]

STAGE_LABELS = {
    "texts": "Item text vectors (all-MiniLM-L6-v2)",
    "model": "Feature tables and model",
    "windows": "Training windows",
    "compile": "Tracing the training step (first batch)",
    "train": "Training the Transformer",
    "sasrec": "Ranking all items for the test users (Transformer)",
    "pop": "MostPopular",
    "itemknn": "ItemKNN",
    "userknn": "UserKNN",
    "ease": "EASE",
    "ease_text": "EASE + text",
    "lightgcn": "LightGCN",
    "save": "Saving the run",
}
_PHASES = ("model", "windows", "compile")  # fit's preparation, in order, then "train"


@dataclass
class Stage:
    """One step of the job: ``status`` is ``waiting``, ``running``, ``done`` or ``skipped``."""

    key: str
    label: str
    status: str = "waiting"
    started: float | None = None
    seconds: float = 0.0
    detail: str = ""

    def elapsed(self, now: float | None = None) -> float:
        if self.status == "running" and self.started is not None:
            return (now or time.time()) - self.started
        return self.seconds


@dataclass
class Stages:
    """The ordered stages of one job (``keys``: e.g. ``texts, model, ..., ease, save``)."""

    items: list[Stage] = field(default_factory=list)

    @classmethod
    def plan(cls, keys) -> Stages:
        return cls([Stage(k, STAGE_LABELS.get(k, k)) for k in keys])

    def get(self, key: str) -> Stage | None:
        return next((s for s in self.items if s.key == key), None)

    @property
    def current(self) -> Stage | None:
        return next((s for s in self.items if s.status == "running"), None)

    def start(self, key: str, detail: str = "") -> None:
        """Finish whatever runs and start ``key`` (added at the end if it was not planned)."""
        stage = self.get(key)
        if stage is None:
            stage = Stage(key, STAGE_LABELS.get(key, key))
            self.items.append(stage)
        if stage.status == "running":
            stage.detail = detail or stage.detail
            return
        for other in self.items:
            if other.status == "running":
                self.finish(other.key)
        stage.status, stage.started, stage.detail = "running", time.time(), detail

    def finish(self, key: str, status: str = "done") -> None:
        stage = self.get(key)
        if stage is None or stage.status in ("done", "skipped"):
            return
        stage.seconds = time.time() - stage.started if stage.started is not None else 0.0
        stage.status = status

    def close(self) -> None:
        """The job ended: a running stage is done, the stages that never started are skipped."""
        for stage in self.items:
            if stage.status == "running":
                self.finish(stage.key)
            elif stage.status == "waiting":
                stage.status = "skipped"

    def on_event(self, event: dict) -> None:
        """Advance on a progress event of ``fit`` (``phase``, ``batch``) or ``run_experiment`` (``model``)."""
        kind = event["stage"]
        if kind == "phase" and event["phase"] in _PHASES:
            self.start(event["phase"])
        elif kind == "batch":
            self.start("train", f"epoch {event['epoch']} of at most {event['epochs']}, "
                                f"batch {event['batch']} of {event['batches']}")
        elif kind == "model":
            self._on_model(event["model"], event["status"], event.get("note"))

    def _on_model(self, name: str, status: str, note: str | None = None) -> None:
        if name == "sasrec":  # fit's own events cover its training; then the test ranking
            if status == "evaluating":
                self.finish("train")
                self.start("sasrec")
            elif status == "done":
                self.finish("sasrec")
        elif status == "skipped":
            stage = self.get(name)
            if stage is not None:
                stage.status, stage.detail = "skipped", note or stage.detail
        elif status == "fitting":
            self.start(name, "fitting")
        elif status == "evaluating":
            self.start(name, "ranking all items for the test users")
        elif status == "done":
            self.finish(name)

    def rows(self, now: float | None = None) -> list[dict]:
        """One row per stage for a table: ``stage, status, seconds`` (running stages tick)."""
        return [{"stage": s.label + (f": {s.detail}" if s.detail and s.status in ("running", "skipped") else ""),
                 "status": s.status, "seconds": round(s.elapsed(now), 1)} for s in self.items]
