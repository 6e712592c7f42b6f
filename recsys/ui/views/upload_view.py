"""The Data page's uploads: three file uploaders, the line naming the files in use, and the slot that
shows what the page says about them (cleared at once when the files change)."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from recsys.errors import DataError
from recsys.ui.session import state
from recsys.ui.session.loading import KINDS, Source, current_sources
from recsys.ui.views.text import human_size, md_escape

__all__ = ["FILE_TYPES", "dataset_slot", "render_uploaders"]

FILE_TYPES = ["csv", "tsv", "txt", "dat", "data", "item", "user", "parquet"]
UPLOAD_LABELS = {
    "interactions": "Interactions (required)",
    "items": "Items (optional)",
    "users": "Users (optional)",
}
UPLOAD_HELP = {
    "interactions": "One row per user-item event: user id, item id, optionally a rating or weight and a "
    "timestamp (epoch seconds or dates). CSV, TSV, '|', ';', '::' or Parquet; a header line is optional.",
    "items": "Item metadata: id, title, free text (description, tags), categories such as 'Action|Comedy', "
    "numbers. Used for titles, text embeddings and item-group fairness.",
    "users": "User attributes: id plus categories (gender, age group, country) or numbers. Used for "
    "user-group fairness.",
}

# ---------------------------------------------------------------- callbacks (run before the rerun)


def _on_upload(kind: str, key: str) -> None:
    file = st.session_state.get(key)
    sources = dict(st.session_state.get(state.SOURCES) or {})
    if file is None:
        sources.pop(kind, None)
    else:
        sources[kind] = Source.from_upload(file)
    st.session_state[state.SOURCES] = sources


def _use_demo() -> None:
    st.session_state[state.SOURCES] = {}
    st.session_state.pop(state.MAPPING, None)
    st.session_state[state.UPLOAD_GENERATION] = st.session_state.get(state.UPLOAD_GENERATION, 0) + 1


def render_uploaders() -> None:
    """Three uploaders and a line saying which files are in use."""
    generation = st.session_state.get(state.UPLOAD_GENERATION, 0)
    for kind, column in zip(KINDS, st.columns(3)):
        key = state.upload_key(kind, generation)
        column.file_uploader(
            UPLOAD_LABELS[kind],
            type=FILE_TYPES,
            key=key,
            help=UPLOAD_HELP[kind],
            on_change=_on_upload,
            args=(kind, key),
        )
    with st.container():  # one element whatever it says, so that the slots below keep their places
        _render_in_use()


def _render_in_use() -> None:
    try:
        sources = current_sources()
    except DataError:  # no demo files: the page shows the message from current_outcome()
        return
    if sources.demo:
        st.info(
            "Showing the bundled demo data (synthetic: 1,000 users, 1,500 items). Upload an interactions "
            "file to analyse your own; uploads stay in this browser session.",
            icon=":material/info:",
        )
        if any((st.session_state.get(state.SOURCES) or {}).values()):
            st.warning("Items and users files are used together with an interactions file: upload one too.")
        return
    files = ", ".join(
        f"{md_escape(s.name)} ({human_size(len(s.data))})"
        for s in (sources.interactions, sources.items, sources.users)
        if s is not None
    )
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.markdown(f"**In use:** {files}")
    right.button("Back to the demo data", key=state.USE_DEMO, on_click=_use_demo, width="stretch")


def dataset_slot() -> DeltaGenerator:
    """The container for everything the Data page says about the files in use; when the files
    change, the old figures disappear at once instead of mixing with the new ones.

    Streamlit redraws a page element by element, and a container written where the previous run
    had one keeps that run's children until this run overwrites them: a new file's figures would
    appear one by one among the old file's (e.g. the new user count beside the old interaction
    count). So two placeholders take turns: the files' slot changes when the files change, and
    both placeholders are written before anything is read, which empties the old slot at once.
    Call it right after ``render_uploaders``, at the same place on every run.
    """
    slots = (st.empty(), st.empty())
    try:
        identity = current_sources().key
    except DataError:
        identity = None
    held = st.session_state.get(state.DATA_SLOT)
    index = 0 if held is None else held[1] ^ int(held[0] != identity)
    st.session_state[state.DATA_SLOT] = (identity, index)
    return slots[index].container()
