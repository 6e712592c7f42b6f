"""Saved runs: the workspace folder, which runs belong to the session's data, the run in use.

A run is a folder written by ``recsys.train.save_run`` (model, cleaned data, metrics, curve), so
nothing trained is lost when the page reloads or the server restarts. The session remembers the
folder of its run (``state.RUN_PATH``); a new session takes the newest run of its data.

Every run records the fingerprint of the files it was trained on (``recsys.data.fingerprint``,
computed the same way by the app and by ``python -m recsys train``), and a session lists only the
runs whose fingerprint is the one of its own files: never a run trained on someone else's upload,
even one with the same file name. Runs saved before fingerprints were recorded carry none; they are
never listed for uploads, and for the bundled demo data only when their dataset has the demo's
name and counts, labelled "unverified".

The bundled demo run (``assets/demo/run``) is listed for the bundled demo data next to the
workspace's runs, unless ``$RECLENS_BUNDLED_RUN`` is ``0`` (the app tests set it, to see the
pages as they are before anything is trained).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from recsys.data.fingerprint import data_fingerprint
from recsys.errors import RecLensError
from recsys.evaluate.demo_run import DEMO_RUN
from recsys.explain.warmup import WarmUp, start_warm_up
from recsys.recommend import Recommender
from recsys.train import Run, list_runs, load_run
from recsys.ui.session import state
from recsys.ui.session.loading import LoadOutcome

__all__ = [
    "NO_RUN",
    "BUNDLED_ENV",
    "WORKSPACE_ENV",
    "UNVERIFIED",
    "RunPick",
    "current_run",
    "data_key",
    "load_cached",
    "warm_up_job",
    "run_label",
    "runs_for",
    "workspace",
]

WORKSPACE_ENV = "RECLENS_WORKSPACE"
BUNDLED_ENV = "RECLENS_BUNDLED_RUN"
ROOT = Path(__file__).resolve().parents[3]
NO_RUN = "No model has been trained on this data yet. Train one on the Train page (a small one takes a minute)."
NO_DATA = "The data could not be loaded, so there is no run to show. Fix the data on the Data page first."
UNVERIFIED = "unverified: saved without a data fingerprint"
DEMO_NAMES = ("demo data", "interactions.csv")  # the app's and the CLI's name of the demo dataset
LOAD_FAILED = "The saved run in '{path}' could not be loaded: {detail}. Train a new one, or pick another run."


def workspace() -> Path:
    """Folder that holds the runs: ``$RECLENS_WORKSPACE``, else ``workspace/`` in the repository."""
    return Path(os.environ.get(WORKSPACE_ENV) or ROOT / "workspace")


def data_key(outcome: LoadOutcome) -> str:
    """Fingerprint of the session's files (names and content digests; ``recsys.data.fingerprint``)."""
    return data_fingerprint(outcome.key[0])


def _record(path: str) -> dict:
    try:
        return json.loads((Path(path) / "run.json").read_text())
    except (OSError, json.JSONDecodeError):
        return {}


def _counts(dataset) -> dict:
    return {"users": dataset.n_users, "items": dataset.n_items, "interactions": len(dataset.interactions)}


def runs_for(key: str, folder: Path | None = None, demo: dict | None = None) -> list[dict]:
    """Runs of the data with fingerprint ``key``, newest first.

    Args:
        demo: Only for the bundled demo data: its dataset counts (``users``, ``items``,
            ``interactions``). Runs without a fingerprint whose dataset has a demo name and these
            counts are listed too, with ``"unverified": True``.
    """
    found = []
    show_bundled = folder is None and demo is not None and os.environ.get(BUNDLED_ENV, "1") != "0"
    bundled = list_runs(DEMO_RUN.parent) if show_bundled else []
    for record in list_runs(folder or workspace()) + [r for r in bundled if Path(r["path"]) == DEMO_RUN]:
        full = _record(record["path"])
        own = (full.get("info") or {}).get("data_key")
        dataset = record["dataset"]
        legacy = (own is None and demo is not None and dataset.get("name") in DEMO_NAMES
                  and all(dataset.get(k) == v for k, v in demo.items()))
        if own == key or legacy:
            found.append(
                record
                | {
                    "cancelled": full.get("cancelled", False),
                    "curve": full.get("curve", []),
                    "batch_loss": (full.get("info") or {}).get("batch_loss"),
                    "stop_reason": full.get("stop_reason"),
                    "stop_message": full.get("stop_message"),
                    "split": full.get("split"),
                    "set_model": bool((full.get("train_config") or {}).get("shuffle_histories")),
                    "unverified": legacy,
                    "bundled": Path(record["path"]) == DEMO_RUN,
                }
            )
    return found


def run_label(record: dict) -> str:
    """``2026-05-01 10:00:00 · demo data · NDCG@10 0.081``: one line per run in pickers."""
    ndcg = record.get("metrics", {}).get("models", {}).get("sasrec", {}).get("test", {}).get("ndcg@10")
    score = f" · test NDCG@10 {ndcg:.3f}" if ndcg is not None else ""
    unverified = f" · {UNVERIFIED}" if record.get("unverified") else ""
    bundled = " · bundled with RecLens" if record.get("bundled") else ""
    return f"{record['created']} · {record['dataset'].get('name', '?')}{score}{unverified}{bundled}"


@dataclass
class RunPick:
    """The run in use: the loaded run and its recommender, or a message saying why there is none."""

    run: Run | None = None
    recommender: Recommender | None = None
    path: str | None = None
    choices: list | None = None
    message: str | None = None

    @property
    def record(self) -> dict | None:
        """The chosen run's listing entry (``created``, ``dataset``, ``metrics``, ``curve``, ...)."""
        return next((r for r in self.choices or [] if r["path"] == self.path), None)

    @property
    def ok(self) -> bool:
        return self.run is not None


@st.cache_resource(max_entries=6, show_spinner="Loading the trained run ...")
def _load(path: str, stamp: float) -> tuple[Run, Recommender, WarmUp]:
    run = load_run(path)
    recommender = Recommender.from_run(run)
    # Traces the explanation's graphs in the background, so the first explanation is fast.
    return run, recommender, start_warm_up(recommender, run.model_config)


def _stamp(path: str) -> float:
    return (Path(path) / "run.json").stat().st_mtime


def load_cached(path: str) -> tuple[Run, Recommender]:
    """The run in ``path`` and its recommender, loaded once per process (keyed by path and mtime);
    loading starts ``recsys.explain.start_warm_up`` on it."""
    run, recommender, _ = _load(str(path), _stamp(path))
    return run, recommender


def warm_up_job(path: str) -> WarmUp:
    """The background warm-up of the run in ``path`` (loads the run if it is not loaded yet)."""
    return _load(str(path), _stamp(path))[2]


def _adopt_finished_job(key: str) -> None:
    job = st.session_state.get(state.TRAIN_JOB)
    if job is not None and job.run_path and not getattr(job, "adopted", False) and job.data_key == key:
        st.session_state[state.RUN_PATH] = job.run_path
        job.adopted = True


def current_run(outcome: LoadOutcome, load: bool = True) -> RunPick:
    """The session's run for its current data (the newest one when it has not picked one).

    With ``load=False`` only the listing is read (no model is loaded): enough for metrics.
    """
    if not outcome.ok:
        return RunPick(message=NO_DATA)
    key = data_key(outcome)
    _adopt_finished_job(key)
    choices = runs_for(key, demo=_counts(outcome.dataset) if outcome.demo else None)
    if not choices:
        return RunPick(choices=[], message=NO_RUN)
    paths = [r["path"] for r in choices]
    path = st.session_state.get(state.RUN_PATH)
    if path not in paths:
        path = paths[0]
        st.session_state[state.RUN_PATH] = path
    if not load:
        return RunPick(path=path, choices=choices)
    try:
        run, recommender = load_cached(path)
    except RecLensError as err:  # says itself what is wrong and what to do (old format, damaged, unsafe)
        return RunPick(path=path, choices=choices, message=str(err))
    except (OSError, ValueError) as err:
        return RunPick(path=path, choices=choices, message=LOAD_FAILED.format(path=path, detail=err))
    return RunPick(run=run, recommender=recommender, path=path, choices=choices)
