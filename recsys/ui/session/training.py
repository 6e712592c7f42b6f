"""Training in a background thread, so the page stays responsive while it runs.

Plain Python (no streamlit): the Train page starts a ``TrainJob`` and polls it. The thread calls
``recsys.evaluate.experiment.run_experiment`` (the Transformer plus the MostPopular, ItemKNN, UserKNN, EASE
and LightGCN baselines, evaluated under ``recsys.evaluate.PROTOCOL``), collects its progress events, and saves
the run into the workspace itself: a finished run is on disk even if the browser tab was closed.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from recsys.data import Dataset
from recsys.errors import RecLensError
from recsys.evaluate.experiment import TrainSettings, run_experiment, save_experiment, text_encoder_available
from recsys.evaluate.registry import BASELINE_ORDER as BASELINES
from recsys.ui.session.stages import Stages
from recsys.ui.session.text_jobs import text_job

__all__ = [
    "BASELINES",
    "TINY_ENV",
    "TrainJob",
    "TrainSettings",
    "active_job",
    "default_settings",
    "start_training",
    "text_encoder_available",
]

log = logging.getLogger(__name__)

TINY_ENV = "RECLENS_TINY"
"""Set to ``1`` for tiny, seconds-long training defaults (tests, the browser test's server)."""

MAX_SAVED_BATCHES = 600  # batch losses kept with a run (for its loss curve)
CANCELLED_EARLY = "Training was cancelled before its first epoch finished, so there is nothing to save."
FAILED = "Training failed: {detail}"
UNEXPECTED = "Training stopped with an unexpected {kind}: {detail}. This is a bug in RecLens; please report it."


def default_settings() -> TrainSettings:
    """The library defaults, or tiny ones when ``RECLENS_TINY=1`` (a demo-data epoch in seconds)."""
    if os.environ.get(TINY_ENV) == "1":
        # A history of 20 cuts the demo data into fewer windows than 10 (an epoch costs per window).
        return TrainSettings(
            dim=16,
            blocks=1,
            heads=1,
            max_len=20,
            epochs=1,
            learning_rate=5e-3,
            use_text=False,
            target_attention=True,  # the tests and the tiny app also exercise target-attention maps
            batch_size=256,
            max_eval_users=200,
            lightgcn_epochs=2,
        )
    return TrainSettings(use_text=text_encoder_available())


@dataclass
class TrainJob:
    """One training run in progress (or finished). The thread writes, the page reads.

    Attributes:
        batches: ``(step, loss)`` per training batch; step counts epochs (1.5 = half of epoch 2).
        epochs: The ``"epoch"`` progress events (``epoch, loss, valid_ndcg@10, ...``).
        stages: Each step of the job with its status and elapsed time (``recsys.ui.session.stages``).
        status: ``running``, ``done``, ``cancelled`` (saved with the best weights so far when an
            epoch had finished, else not saved: ``run_path`` is ``None``) or ``failed`` (``error``
            says why).
        skip: Set it to skip the baselines that have not started yet.
        stop_message: Set when the time limit cut training short (shown loudly on the page).
        run_path: The saved run's folder once saved.
        owner: Token of the session that started it (``state.OWNER_TOKEN``): only it may cancel.
    """

    settings: TrainSettings
    dataset_name: str
    workspace: Path
    data_key: str
    text_key: str | None = None
    owner: str = ""
    cancel: threading.Event = field(default_factory=threading.Event)
    skip: threading.Event = field(default_factory=threading.Event)
    batches: list = field(default_factory=list)
    epochs: list = field(default_factory=list)
    last_batch: dict = field(default_factory=dict)
    stages: Stages = field(default_factory=Stages)
    status: str = "running"
    error: str | None = None
    notice: str | None = None
    stop_message: str | None = None
    run_path: str | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None
    thread: threading.Thread | None = field(default=None, repr=False)

    def __post_init__(self):
        if not self.stages.items:
            texts = ("texts",) if self.settings.use_text else ()
            self.stages = Stages.plan((*texts, "model", "windows", "compile", "train", *self.settings.models(), "save"))

    @property
    def running(self) -> bool:
        return self.status == "running"

    def progress(self, event: dict) -> None:
        """The ``progress`` callback of ``recsys.evaluate.experiment.run_experiment`` and ``recsys.train.fit``."""
        self.stages.on_event(event)
        if event["stage"] == "batch":
            self.last_batch = event
            self.batches.append((event["epoch"] - 1 + event["batch"] / event["batches"], event["loss"]))
        elif event["stage"] == "epoch":
            self.epochs.append(event)

    @property
    def fraction(self) -> float:
        """Share of the planned training batches done (training may stop earlier, on validation)."""
        if self.status != "running":
            return 1.0
        b = self.last_batch
        if not b:
            return 0.0
        return min(1.0, ((b["epoch"] - 1) * b["batches"] + b["batch"]) / (b["epochs"] * b["batches"]))

    def label(self) -> str:
        elapsed = f"{time.time() - self.started:.0f} s"
        stage = self.stages.current
        if stage is None:
            started = any(s.status != "waiting" for s in self.stages.items)
            return f"{'Finishing' if started else 'Starting'} ({elapsed})"
        if stage.key == "train" and self.last_batch:
            b = self.last_batch
            return f"Epoch {b['epoch']} of at most {b['epochs']}, batch {b['batch']} of {b['batches']} ({elapsed})"
        return f"{stage.label}{': ' + stage.detail if stage.detail else ''} ({elapsed})"

    def _text_vectors(self, dataset):
        """The item text vectors: from the background job started when the data loaded (waiting
        for it if it still runs), else encoded here."""
        if not self.settings.use_text or dataset.items is None:
            self.stages.finish("texts", "skipped")
            return None, None
        self.stages.start("texts", "waiting for the encoder")
        job = text_job(dataset, self.text_key or self.data_key)
        while not job.wait(0.5):
            self.stages.start("texts", f"{job.done_texts:,} of {job.total_texts:,} texts encoded")
        if job.error is not None:
            raise RecLensError(f"The item texts could not be encoded ({job.error}). Turn off the text encoder.")
        self.stages.finish("texts")
        return job.vectors, job.info

    def _run(self, dataset: Dataset) -> None:
        try:
            text_vectors, text_info = self._text_vectors(dataset)
            self.notice = (text_info or {}).get("notice")
            experiment = run_experiment(
                dataset,
                models=self.settings.models(),
                model_config=self.settings.model_config(),
                train_config=self.settings.train_config(),
                text_vectors=text_vectors,
                progress=self.progress,
                cancel=self.cancel,
                lightgcn_config=self.settings.lightgcn_config(),
                skip=self.skip,
            )
            result = experiment.result
            if result.cancelled and not result.curve:
                self.status = "cancelled"  # nothing worth saving: no epoch was validated
                return
            self.stop_message = result.stop_message
            self.stages.start("save")
            step = max(1, len(self.batches) // MAX_SAVED_BATCHES)
            info = {
                "settings": dataclasses.asdict(self.settings),
                "text": _jsonable(text_info),
                "batch_loss": [list(b) for b in self.batches[::step]],
                "stages": self.stages.rows(),
            }
            folder = _new_run_dir(self.workspace, dataset.name)
            path = save_experiment(experiment, dataset, folder, self.data_key, info)
            self.run_path = str(path)
            self.status = "cancelled" if result.cancelled else "done"
        except (RecLensError, ValueError) as err:
            self.status, self.error = "failed", FAILED.format(detail=err)
        except Exception as err:  # a bug: say so in words, keep the traceback in the log
            log.exception("training failed")
            self.status, self.error = "failed", UNEXPECTED.format(kind=type(err).__name__, detail=err)
        finally:
            self.stages.close()
            self.finished = time.time()


def _jsonable(info: dict | None) -> dict | None:
    if info is None:
        return None
    return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in info.items()}


def _new_run_dir(workspace: Path, name: str) -> Path:
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:40] or "data"
    base = Path(workspace) / f"{time.strftime('%Y%m%d-%H%M%S')}-{slug}"
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    return path


_ACTIVE: dict[str, TrainJob] = {}
_ACTIVE_LOCK = threading.Lock()


def active_job(data_key: str) -> TrainJob | None:
    """The job still training on the data with this fingerprint, if any (in this server process).

    A reloaded page is a new session: this lets it (and any other session holding the same files,
    same fingerprint) follow the progress; only the owner may cancel (``TrainJob.owner``).
    """
    with _ACTIVE_LOCK:
        job = _ACTIVE.get(data_key)
    return job if job is not None and job.running else None


def start_training(dataset: Dataset, settings: TrainSettings, workspace: Path, data_key: str,
                   owner: str = "", text_key: str | None = None) -> TrainJob:
    """Start training ``dataset`` in a daemon thread and return the job to poll (``owner``: the
    starting session's token; other sessions on the same files see the job but cannot cancel it;
    ``text_key``: the fingerprint the data's background text job runs under, ``LoadOutcome.load_key``)."""
    job = TrainJob(settings=settings, dataset_name=dataset.name, workspace=Path(workspace), data_key=data_key,
                   owner=owner, text_key=text_key)
    job.thread = threading.Thread(target=job._run, args=(dataset,), name="reclens-train", daemon=True)
    with _ACTIVE_LOCK:
        _ACTIVE[data_key] = job
    job.thread.start()
    return job
