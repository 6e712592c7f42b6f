"""Choosing a user (Recommend and Explain pages share the choice): a selectbox over the run's
user ids and a text box that accepts any id, with a plain error for an unknown one."""

from __future__ import annotations

import streamlit as st

from recsys.data import Dataset
from recsys.ui import state
from recsys.ui.text import md_escape

__all__ = ["MAX_OPTIONS", "UNKNOWN_USER", "render_user_picker"]

MAX_OPTIONS = 5000
UNKNOWN_USER = (
    "User '{user}' is not in the data of this run ({n:,} users, for example {examples}). Pick a user from the list, "
    "or type an id exactly as it appears in the user column of the interactions file."
)


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
    """The chosen raw user id (the first user until one is chosen).

    An unknown typed id shows the error and stops the page, so nothing on screen belongs to
    another user than the one asked for.
    """
    ids = dataset.user_encoder.to_list()
    user = st.session_state.get(state.USER)
    if user not in dataset.user_encoder:
        user = ids[0]
        st.session_state[state.USER] = user
    options = ids[:MAX_OPTIONS] if user in ids[:MAX_OPTIONS] else [user, *ids[: MAX_OPTIONS - 1]]
    st.session_state[state.USER_SELECT] = user
    left, right = st.columns(2)
    left.selectbox(
        f"User ({dataset.n_users:,})",
        options,
        key=state.USER_SELECT,
        on_change=_on_select,
        help="Type in the box to filter the list."
        if len(ids) <= MAX_OPTIONS
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
