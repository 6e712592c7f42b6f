"""Choosing a user (Recommend and Explain pages share the choice): filters by attribute and
activity (``user_filter``), a selectbox over the run's user ids that match them and a text box
that accepts any id, with a plain error for an unknown one."""

from __future__ import annotations

import streamlit as st

from recsys.data import Dataset
from recsys.ui.session import state
from recsys.ui.views.text import md_escape
from recsys.ui.views.user_filter import render_user_filter

__all__ = ["MAX_OPTIONS", "NO_MATCH", "UNKNOWN_USER", "render_user_picker"]

MAX_OPTIONS = 5000
UNKNOWN_USER = (
    "User '{user}' is not in the data of this run ({n:,} users, for example {examples}). Pick a user from the list, "
    "or type an id exactly as it appears in the user column of the interactions file."
)
NO_MATCH = "No user matches these filters. Loosen them: an empty list means any value."


def _forget_what_if() -> None:
    for key in (state.WHATIF_REMOVE, state.WHATIF_ADD, state.EXPLAIN_ITEM):
        st.session_state.pop(key, None)


def _on_select() -> None:
    st.session_state[state.USER] = st.session_state[state.USER_SELECT]
    st.session_state[state.USER_ERROR] = None
    _forget_what_if()


def _on_type(dataset: Dataset) -> None:
    typed = str(st.session_state.get(state.USER_TEXT) or "").strip()
    if not typed:
        st.session_state[state.USER_ERROR] = None
        return
    if typed in dataset.user_encoder:
        st.session_state[state.USER] = typed
        st.session_state[state.USER_ERROR] = None
        st.session_state[state.USER_TEXT] = ""
        _forget_what_if()
    else:
        examples = ", ".join(dataset.user_encoder.to_list()[:3])
        st.session_state[state.USER_ERROR] = UNKNOWN_USER.format(user=typed, n=dataset.n_users, examples=examples)


def render_user_picker(dataset: Dataset) -> str:
    """The chosen raw user id (the first user matching the filters until one is chosen).

    When a filter changes and leaves out the chosen user, the first matching user is chosen; a
    typed id is kept even outside the filters. An unknown typed id shows the error and stops the
    page, so nothing on screen belongs to another user than the one asked for.
    """
    ids = dataset.user_encoder.to_list()
    matches = render_user_filter(dataset)
    if not matches:
        st.warning(NO_MATCH, icon=":material/filter_list_off:")
        st.stop()
    user = st.session_state.get(state.USER)
    filter_changed = st.session_state.pop(state.USER_FILTER_CHANGED, False)
    if user not in dataset.user_encoder or (filter_changed and user not in set(matches)):
        user = matches[0]
        st.session_state[state.USER] = user
        _forget_what_if()
    shown = matches[:MAX_OPTIONS]
    options = shown if user in set(shown) else [user, *matches[: MAX_OPTIONS - 1]]
    st.session_state[state.USER_SELECT] = user
    left, right = st.columns(2)
    count = f"{dataset.n_users:,}" if len(matches) == len(ids) else f"{len(matches):,} of {dataset.n_users:,} match"
    left.selectbox(
        f"User ({count})",
        options,
        key=state.USER_SELECT,
        on_change=_on_select,
        help="Type in the box to filter the list."
        if len(matches) <= MAX_OPTIONS
        else f"The list shows the first {MAX_OPTIONS:,} users; type any id on the right.",
    )
    right.text_input(
        "Or type a user id",
        key=state.USER_TEXT,
        on_change=_on_type,
        args=(dataset,),
        placeholder="e.g. " + ids[min(1, len(ids) - 1)],
    )
    error = st.session_state.get(state.USER_ERROR)
    if error:
        st.error(md_escape(error), icon=":material/person_off:")
        st.stop()
    return user
