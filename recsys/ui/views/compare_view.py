"""The Train page's "Compare runs" section: two runs of the current data side by side.

Settings, metrics and curves come from the runs' ``run.json`` (``recsys.evaluate.compare``), so
the section costs nothing until a user is picked for the top-K, which loads both models (cached
per process, like the run picker's).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from recsys.data import Dataset
from recsys.errors import RecLensError
from recsys.evaluate.compare import UNKNOWN_USER, compare_runs, compare_top_k
from recsys.ui import charts
from recsys.ui.session import state
from recsys.ui.session.runs import LOAD_FAILED, RunPick, load_cached, run_label
from recsys.ui.views.text import md_escape
from recsys.ui.views.train_view import METRICS, MODEL_LABELS

__all__ = ["K", "ONE_RUN", "metrics_table", "render_compare"]

K = 10
MAX_USERS = 5000
ONE_RUN = "Train a second run of this data (other settings, or the same with another seed) to compare two runs here."
SAME_RUN = "Pick two different runs."
SHARED = "#e7ecff"


def metrics_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """The headline test metrics of every model, labelled as in the leaderboard, the Transformer first."""
    shown = metrics[metrics["metric"].isin(METRICS)].copy()
    shown["metric"] = shown["metric"].map(METRICS)
    shown["model"] = [MODEL_LABELS.get(m, m).replace(" (this run)", "") for m in shown["model"]]
    return shown.reset_index(drop=True)


def _signed(value: float) -> str:
    return "–" if value != value else f"{value:+.4f}" if value else "0.0000"


def _colour(value: float) -> str:
    if value != value or value == 0:
        return ""
    return "color: #2b8a3e" if value > 0 else "color: #c92a2a"  # every headline metric: higher is better


def _pick_runs(pick: RunPick) -> tuple[str, str]:
    paths = [r["path"] for r in pick.choices]
    labels = {r["path"]: run_label(r) + (" (cancelled)" if r.get("cancelled") else "") for r in pick.choices}
    if st.session_state.get(state.COMPARE_A) not in paths:
        st.session_state[state.COMPARE_A] = pick.path if pick.path in paths else paths[0]
    if st.session_state.get(state.COMPARE_B) not in paths:
        st.session_state[state.COMPARE_B] = next(p for p in paths if p != st.session_state[state.COMPARE_A])
    left, right = st.columns(2)
    a = left.selectbox("Run A", paths, key=state.COMPARE_A, format_func=labels.get)
    b = right.selectbox("Run B", paths, key=state.COMPARE_B, format_func=labels.get)
    return a, b


def _render_settings(comparison) -> None:
    show_all = st.toggle("Show the settings both runs share too", key=state.COMPARE_ALL_SETTINGS)
    table = comparison.settings if show_all else comparison.changed
    if table.empty:
        st.caption("The two runs were trained with the same settings.")
        return
    st.container(key="compare_settings").dataframe(
        table[["section", "setting", "run A", "run B"]], hide_index=True, width="stretch"
    )


def _render_metrics(comparison) -> None:
    table = metrics_table(comparison.metrics)
    styled = (
        table.style.format("{:.4f}", subset=["run A", "run B"], na_rep="–")
        .format(_signed, subset=["difference"])
        .map(_colour, subset=["difference"])
    )
    height = 38 + 35 * min(len(table), 2 * len(METRICS))  # two models at a glance, the rest on scrolling
    st.container(key="compare_metrics").dataframe(styled, hide_index=True, width="stretch", height=height)
    st.caption("Test part, every model of each run; difference = run B − run A (green: B is better). – = not measured.")


def _top_k(path: str, user: str) -> pd.DataFrame:
    try:
        run, rec = load_cached(path)
    except (OSError, ValueError) as err:
        raise RecLensError(LOAD_FAILED.format(path=path, detail=err)) from err
    if user not in run.dataset.user_encoder:
        raise RecLensError(UNKNOWN_USER.format(user=user, path=path))
    return rec.recommend(run.dataset, user, K)


def _render_top_k(paths: tuple[str, str], dataset: Dataset) -> None:
    ids = dataset.user_encoder.to_list()[:MAX_USERS]
    user = st.selectbox(
        f"One user's top {K} from each run",
        ids,
        index=None,
        key=state.COMPARE_USER,
        placeholder="Pick a user (loads both models)",
    )
    if user is None:
        return
    try:
        frames = [_top_k(path, user) for path in paths]
    except RecLensError as err:
        st.error(md_escape(err), icon=":material/error:")
        return
    top = compare_top_k(*frames)
    st.caption(f"{top.overlap} of the items are in both lists (highlighted); 'other rank' is the rank in the other run.")
    for column, name, frame in zip(st.columns(2), ("a", "b"), (top.a, top.b)):
        shown = frame[["rank", "title", "score", "other rank"]]
        styled = (
            shown.style.format({"score": "{:.3f}", "other rank": "{:.0f}"}, na_rep="–")
            .apply(lambda row: [f"background-color: {SHARED}" if row["other rank"] == row["other rank"] else ""]
                   * len(row), axis=1)
        )
        column.caption(f"Run {name.upper()}")
        column.container(key=f"compare_top_{name}").dataframe(styled, hide_index=True, width="stretch")


def render_compare(pick: RunPick, dataset: Dataset) -> None:
    """Two runs of the current data side by side: settings that differ, every model's test
    metrics with the difference, validation curves on one chart, one user's top-K from each."""
    st.subheader("Compare runs", anchor=False)
    if len(pick.choices or []) < 2:
        st.caption(ONE_RUN)
        return
    with st.expander("Two runs of this data side by side", icon=":material/compare_arrows:"):
        a, b = _pick_runs(pick)
        if a == b:
            st.info(SAME_RUN, icon=":material/info:")
            return
        try:
            comparison = compare_runs(a, b)
        except RecLensError as err:
            st.error(md_escape(err), icon=":material/error:")
            return
        st.markdown("**Settings that differ**")
        _render_settings(comparison)
        st.markdown("**Test metrics**")
        _render_metrics(comparison)
        st.plotly_chart(
            charts.compare_curves_figure(comparison.curves, comparison.best_epochs), key="compare_curves"
        )
        _render_top_k((a, b), dataset)
