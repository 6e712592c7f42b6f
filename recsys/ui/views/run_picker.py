"""The run picker: a selectbox over the runs of the session's data (``recsys.ui.session.runs``),
and the guard of the pages that need a trained run."""

from __future__ import annotations

import streamlit as st

from recsys.ui.session import state
from recsys.ui.session.loading import LoadOutcome
from recsys.ui.session.runs import RunPick, current_run, run_label, workspace

__all__ = ["render_picker", "require_run"]


def _on_pick() -> None:
    st.session_state[state.RUN_PATH] = st.session_state[state.RUN_SELECT]


def render_picker(pick: RunPick, label: str = "Trained run") -> None:
    """A selectbox over the runs of the current data (nothing when there are none)."""
    if not pick.choices:
        return
    labels = {r["path"]: run_label(r) + (" (cancelled)" if r.get("cancelled") else "") for r in pick.choices}
    st.session_state[state.RUN_SELECT] = pick.path
    st.selectbox(
        label,
        list(labels),
        key=state.RUN_SELECT,
        format_func=labels.get,
        on_change=_on_pick,
        help=f"Runs of this data saved in the workspace folder ({workspace()}).",
    )


def require_run(outcome: LoadOutcome) -> RunPick:
    """The run picker, or an info box pointing to the Train page and ``st.stop()``."""
    pick = current_run(outcome)
    if not pick.ok:
        if pick.choices:
            render_picker(pick)
        (st.error if pick.choices else st.info)(pick.message, icon=":material/info:")
        st.page_link("app_pages/train.py", label="Open the Train page", icon=":material/model_training:")
        st.stop()
    render_picker(pick)
    return pick
