"""Rendering for the Train page: live progress with cancel, the leaderboard of a run (the settings
form: ``train_form``)."""

from __future__ import annotations

import secrets
import time

import pandas as pd
import streamlit as st

from recsys.evaluate import protocol
from recsys.ui import charts
from recsys.ui.session import state
from recsys.ui.session.loading import LoadOutcome
from recsys.ui.session.runs import RunPick, data_key
from recsys.ui.session.training import (
    CANCELLED_EARLY,
    TrainJob,
    active_job,
)
from recsys.ui.views.text import md_escape

__all__ = ["MODEL_LABELS", "OTHER_SESSION", "current_job", "leaderboard", "owner_token", "owns", "render_job",
           "render_live", "render_results", "skipped_markdown", "styled_leaderboard"]

MODEL_LABELS = {"sasrec": "Transformer (this run)", "ease": "EASE", "ease_text": "EASE + text", "lightgcn": "LightGCN (graph)",
                "itemknn": "ItemKNN", "userknn": "UserKNN", "pop": "MostPopular"}
METRICS = {"ndcg@10": "NDCG@10", "hr@10": "HR@10", "precision@10": "Precision@10", "f1@10": "F1@10",
           "recall@20": "Recall@20", "mrr": "MRR", "coverage@10": "Coverage@10"}
ONE_TARGET = (
    "Each user has one test item, so Recall@10 equals HR@10, Precision@10 = hits / 10 and F1@10 = 2PR / (P + R) "
    "= 2 × HR@10 / 11. Runs saved before Precision and F1 were measured show –."
)
OTHER_SESSION = (
    "Another session is training on this data (a reloaded page is a new session too). You can follow its "
    "progress here; only the session that started it can cancel it. Its run is listed when it finishes."
)
POLL_SECONDS = 1.0
MAX_POINTS = 1500


def leaderboard(metrics: dict, part: str = "test") -> pd.DataFrame:
    """Models as rows (best test NDCG@10 first), the headline metrics and fit seconds as columns.

    A metric a run did not record (runs saved before it was measured) is ``NaN``, shown as "–".
    """
    rows = []
    for name, result in metrics.get("models", {}).items():
        values = result.get(part, {})
        row = {"model": MODEL_LABELS.get(name, name)} | {label: values.get(m) for m, label in METRICS.items()}
        rows.append(row | {"fit seconds": result.get("fit_seconds")})
    frame = pd.DataFrame(rows, columns=["model", *METRICS.values(), "fit seconds"])
    frame[list(METRICS.values())] = frame[list(METRICS.values())].astype(float)  # None (not recorded) -> NaN
    return frame.sort_values("NDCG@10", ascending=False, ignore_index=True)


def skipped_markdown(metrics: dict) -> str | None:
    """The run's notes on models that did not run (``metrics["skipped"]``) as a Markdown list, or None."""
    notes = (metrics.get("skipped") or {}).values()
    return "\n".join(f"- {md_escape(note)}" for note in notes) or None


def owner_token() -> str:
    """This session's token (made on first use): it owns the trainings it starts."""
    return st.session_state.setdefault(state.OWNER_TOKEN, secrets.token_urlsafe(16))


def owns(job: TrainJob) -> bool:
    """True when this session started ``job`` (so it may cancel it)."""
    return bool(job.owner) and secrets.compare_digest(job.owner, owner_token())


def styled_leaderboard(board: pd.DataFrame):
    """Four decimals, "–" where a metric was not recorded, the best value of each column highlighted."""
    numbers = list(METRICS.values())
    styled = board.style.format("{:.4f}", subset=numbers, na_rep="–").format(
        "{:.1f}", subset=["fit seconds"], na_rep="–"
    )
    differ = [c for c in numbers if board[c].nunique() > 1]  # no highlight where every model ties
    return styled.highlight_max(subset=differ, props="font-weight: 600; background-color: #e7ecff")


def current_job(outcome: LoadOutcome) -> TrainJob | None:
    """This session's last training of the current data, or one still running on the same files
    (another session's, or the one this tab started before a reload), which this session may follow
    but not cancel. A job on other data (the user loaded new files since) is never shown."""
    key = data_key(outcome)
    job = st.session_state.get(state.TRAIN_JOB)
    if job is not None and job.data_key != key:
        job = None
    if job is None or not job.running:
        running = active_job(key)
        if running is not None:
            job = st.session_state[state.TRAIN_JOB] = running
    return job


def _thin(points: list) -> list:
    step = max(1, len(points) // MAX_POINTS)
    return points[::step]


STOP_WORDS = {"early stopping": "early stopping", "max epochs": "reaching its epoch limit",
              "time limit": "the time limit", "cancelled": "cancellation"}
STAGE_ICONS = {"done": "✓", "running": "▶", "waiting": "·", "skipped": "–"}


def stage_table(job: TrainJob) -> pd.DataFrame:
    """The job's stages for display: a status mark, what the stage does, its seconds so far."""
    return pd.DataFrame([
        {" ": STAGE_ICONS[r["status"]], "stage": r["stage"], "seconds": None if r["status"] == "waiting" else r["seconds"]}
        for r in job.stages.rows()
    ])


@st.fragment(run_every=POLL_SECONDS)
def render_live(job: TrainJob) -> None:
    """Progress bar, the stages, live curves, cancel and skip; re-runs every second until the job ends."""
    if not job.running:
        st.rerun()  # the whole page: show the leaderboard
    st.progress(job.fraction, text=job.label())
    st.container(key="train_stages").dataframe(
        stage_table(job), hide_index=True, column_config={"seconds": st.column_config.NumberColumn(format="%.0f s")}
    )
    epochs = list(job.epochs)
    left, right = st.columns(2)
    left.plotly_chart(charts.loss_figure(epochs, _thin(list(job.batches))), key="live_loss")
    best = epochs[-1]["best_epoch"] if epochs else None
    right.plotly_chart(charts.ndcg_figure(epochs, best), key="live_ndcg")
    if not owns(job):
        st.caption(OTHER_SESSION)
        return
    left, right = st.columns(2)
    stopping = job.cancel.is_set()
    left.button(
        "Stopping after this batch ..." if stopping else "Cancel training",
        key=state.CANCEL,
        on_click=_signal,
        args=(job, job.cancel),
        disabled=stopping,
        icon=":material/stop_circle:",
        help="Stops the Transformer after the current batch; the best weights so far are kept and evaluated.",
    )
    skipping = job.skip.is_set()
    right.button(
        "Skipping the remaining baselines" if skipping else "Skip the remaining baselines",
        key=state.SKIP_BASELINES,
        on_click=_signal,
        args=(job, job.skip),
        disabled=skipping,
        icon=":material/skip_next:",
        help="Baselines that have not started are left out of the leaderboard (the one running finishes).",
    )


def _signal(job: TrainJob, event) -> None:
    """Set the job's ``cancel`` or ``skip`` event for the session that started it."""
    if owns(job):  # checked again when the click arrives, not only when the button was drawn
        event.set()


def render_job(job: TrainJob | None) -> None:
    """How this session's last training ended (error, fallback notice, where it was saved)."""
    if job is None or job.running:
        return
    if job.status == "failed":
        st.error(md_escape(job.error), icon=":material/error:")
        return
    seconds = (job.finished or time.time()) - job.started
    if job.status == "cancelled" and job.run_path is None:
        st.warning(CANCELLED_EARLY, icon=":material/stop_circle:")
        return
    if job.status == "cancelled":
        st.warning(
            f"Training was cancelled after {len(job.epochs)} epoch(s); the best weights so far were kept, "
            f"evaluated and saved ({seconds:.0f} s).",
            icon=":material/stop_circle:",
        )
    else:
        st.success(f"Trained and evaluated in {seconds:.0f} s; saved in the workspace.", icon=":material/check_circle:")
    if job.stop_message:
        st.warning(f"The Transformer {job.stop_message}: it had not converged. Raise the time limit and train "
                   "again for a fair comparison.", icon=":material/timer_off:")
    if job.notice:
        st.warning(md_escape(job.notice), icon=":material/warning:")


def _protocol_text(record: dict) -> str:
    """The protocol of the run in ``record`` (``runs_for``): its split and, for a set model, how it trained."""
    lines = protocol(record.get("split"), record.get("set_model", False))
    return "\n".join(f"- **{md_escape(k)}**: {md_escape(v)}" for k, v in lines.items())


def render_results(pick: RunPick) -> None:
    """The chosen run: leaderboard beside the baselines, protocol, training curves."""
    record = pick.record
    if record is None:
        return
    st.subheader("Leaderboard")
    st.caption(
        "Test part of the data, best NDCG@10 first; the best value in each column is highlighted. Every "
        "model is scored the same way:"
    )
    st.markdown(_protocol_text(record))
    board = leaderboard(record.get("metrics", {}))
    st.container(key="leaderboard").dataframe(styled_leaderboard(board), hide_index=True)
    skipped = skipped_markdown(record.get("metrics", {}))
    if skipped:
        st.info(skipped, icon=":material/info:")
    st.caption(ONE_TARGET)
    curve = record.get("curve") or []
    best = record.get("best_epoch")
    left, right = st.columns(2)
    left.plotly_chart(charts.loss_figure(curve, record.get("batch_loss")), key="run_loss")
    right.plotly_chart(charts.ndcg_figure(curve, best), key="run_ndcg")
    if record.get("stop_message"):
        st.warning(f"The Transformer {record['stop_message']}: it had not converged, so the comparison above "
                   "is not fair to it. Train again with a higher time limit.", icon=":material/timer_off:")
    if best:
        reason = STOP_WORDS.get(record.get("stop_reason"))
        ended = f" Training ended by {reason} after {len(curve)} epochs." if reason else ""
        st.caption(f"The weights of epoch {best} (best validation NDCG@10) were kept.{ended}")
