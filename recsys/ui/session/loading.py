"""The session's data: its uploads (or the bundled demo files), loaded once and cached by bytes.

``load_sources`` is plain Python (no streamlit) so tests can call it with bytes; the app calls
it through ``current_outcome``, which caches it with ``st.cache_data`` (keyed by the file bytes
and the column choices) and keeps the session's own copy in ``st.session_state`` so reruns cost
nothing. What the loaders keep, fix and drop is documented in ``recsys.data.interactions`` and
``recsys.data.side``; every error a file can cause arrives here as ``DataError`` and leaves as
``LoadOutcome.error``, a message for ``st.error``. Any other exception is a bug: it leaves as one
plain message too, with the traceback in ``LoadOutcome.details`` (shown folded away), never as
an exception on the page. The types (``Source``, ``Sources``, ``Choice``, ``LoadOutcome``) live in
``recsys.ui.session.sources``; they are re-exported here.
"""

from __future__ import annotations

import dataclasses
import logging
import traceback
from pathlib import Path

import streamlit as st

from recsys.data import (
    ColumnMapping,
    DataConfig,
    Dataset,
    ItemSchema,
    UserSchema,
    dataset_stats,
    detect_interaction_columns,
    load_dataset,
    read_table,
)
from recsys.data.interactions import clean_interactions
from recsys.data.layout import describe_columns
from recsys.data.spec import apply_names
from recsys.errors import DataError
from recsys.ui.session import state
from recsys.ui.session.sources import KINDS, Choice, LoadOutcome, Source, Sources
from recsys.ui.session.text_jobs import text_job

__all__ = [
    "DEMO_DIR",
    "KINDS",
    "Choice",
    "LoadOutcome",
    "Source",
    "Sources",
    "current_outcome",
    "current_sources",
    "demo_sources",
    "load_sources",
]

log = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).resolve().parents[3] / "assets" / "demo"
ROLES = ("user", "item", "rating", "timestamp")
DEMO_MISSING = (
    "The bundled demo data is missing ({path}). Upload an interactions file on the Data page, or "
    "regenerate the demo files with `python -m recsys demo-data`."
)
UNEXPECTED = (
    "Loading failed with an unexpected {kind}: {detail}. This is a bug in RecLens, not in your file; "
    "please report it with the file attached if you can (the details below help)."
)


def _inspect_side(raw, kind: str, choice: Choice, outcome: LoadOutcome) -> None:
    spec = choice.columns(kind)
    layout = outcome.layouts[kind] = describe_columns(raw, spec, kind, choice.side_id(kind))
    named = raw if layout.error else apply_names(raw, spec, kind)[0]
    outcome.columns[kind] = [str(c) for c in named.frame.columns]
    ids = layout.table.loc[layout.table["type"] == "id", "name"]
    outcome.detected_ids[kind] = ids.iloc[0] if len(ids) else None


def _inspect(sources: Sources, config: DataConfig, outcome: LoadOutcome, choice: Choice = Choice()) -> dict:
    """Column names of each file and the side files' column layouts, read from their heads;
    returns the head tables for ``_detect`` (errors are left to the full load)."""
    heads = {}
    for kind in KINDS:
        source = sources.get(kind)
        if source is None:
            continue
        spec = choice.columns(kind) if kind != "interactions" else None
        encoding = spec.encoding if spec is not None and spec.encoding else config.encoding
        try:
            heads[kind] = raw = read_table(source.head(), config=config, sep=config.sep, header=config.header,
                                           encoding=encoding)
            if kind == "interactions":
                outcome.columns[kind] = [str(c) for c in raw.frame.columns]
            else:
                _inspect_side(raw, kind, choice, outcome)
        except DataError:
            continue
        except Exception:  # a bug; the full load below meets it again and reports it
            log.exception("unexpected error while inspecting %s", source.name)
    return heads


def _detect(heads: dict, outcome: LoadOutcome) -> None:
    """Roles detected in the interactions file's head, for the mapping widgets when the full load
    failed (when it succeeds, its own mapping is shown, so each column is profiled once; the side
    files' layouts come from ``_inspect``)."""
    for kind, raw in heads.items():
        if kind != "interactions":
            continue
        try:
            outcome.detected = detect_interaction_columns(raw.frame, None, raw.name)
        except DataError:
            continue
        except Exception:
            log.exception("unexpected error while detecting the columns of %s", raw.name)


def _load_without_columns(sources: Sources, mapping: ColumnMapping, config: DataConfig, **side) -> Dataset:
    """Load with an explicit mapping in which rating and/or timestamp are "none".

    Auto-detection would find an unchosen rating or timestamp column again, so the file is
    read, cut down to the chosen columns and cleaned here (keeping the file's name and row
    numbers in the report); ``load_dataset`` then adds the side files and encodes the ids.
    """
    opts = {"sep": config.sep, "header": config.header, "encoding": config.encoding}
    raw = read_table(sources.interactions.open(), config=config, **opts)
    chosen = [c for c in dict.fromkeys(mapping.as_dict().values()) if c is not None and c in raw.frame.columns]
    frame, report, used = clean_interactions(dataclasses.replace(raw, frame=raw.frame[chosen]), mapping, config)
    same = ColumnMapping(**{role: (role if role in frame.columns else None) for role in ROLES})
    if "weight" in frame.columns:  # the value column, read as weights
        same = dataclasses.replace(same, rating="weight")
    dataset = load_dataset(frame, config=config, mapping=same, name=raw.name, **side)
    dataset.reports["interactions"] = report
    dataset.mapping = used
    return dataset


def load_sources(sources: Sources, choice: Choice = Choice(), config: DataConfig = DataConfig()) -> LoadOutcome:
    """Load ``sources`` with ``choice``; never raises for anything a file can cause.

    Returns:
        A ``LoadOutcome`` with ``dataset`` and ``stats``, or with ``error`` (a message that says
        what is wrong and how to fix it).
    """
    outcome = LoadOutcome(key=(sources.key, choice), demo=sources.demo)
    if choice.dayfirst is not None:
        config = dataclasses.replace(config, dayfirst=choice.dayfirst)
    if choice.value_kind != "auto":
        config = dataclasses.replace(config, value_kind=choice.value_kind)
    heads = _inspect(sources, config, outcome, choice)
    items = sources.items.open() if sources.items else None
    users = sources.users.open() if sources.users else None
    item_id, user_id = choice.side_id("items"), choice.side_id("users")
    side = {
        "items": items,
        "users": users,
        "item_schema": ItemSchema(id=item_id) if item_id else None,
        "user_schema": UserSchema(id=user_id) if user_id else None,
        "item_columns": choice.item_columns if items is not None else None,
        "user_columns": choice.user_columns if users is not None else None,
    }
    name = "demo data" if sources.demo else sources.interactions.name
    mapping = choice.interactions
    try:
        if mapping is not None and (mapping.rating is None or mapping.timestamp is None):
            dataset = _load_without_columns(sources, mapping, config, **side)
        else:
            dataset = load_dataset(sources.interactions.open(), config=config, mapping=mapping, name=name, **side)
        dataset.name = name
        outcome.dataset, outcome.stats = dataset, dataset_stats(dataset.interactions)
    except DataError as err:
        outcome.error = str(err)
    except Exception as err:  # a bug, not the user's file: say so in words, log the traceback
        log.exception("unexpected error while loading %s", sources.key)
        outcome.error = UNEXPECTED.format(kind=type(err).__name__, detail=err)
        outcome.details = traceback.format_exc()
    if not outcome.ok:
        _detect(heads, outcome)
    return outcome


# ---------------------------------------------------------------- streamlit side


@st.cache_resource(show_spinner=False)
def _demo_sources(directory: str) -> Sources:
    folder = Path(directory)
    paths = {kind: folder / f"{kind}.csv" for kind in KINDS}
    if not paths["interactions"].is_file():
        raise DataError(DEMO_MISSING.format(path=paths["interactions"]))
    files = {kind: Source.from_path(p) if p.is_file() else None for kind, p in paths.items()}
    return Sources(files["interactions"], files["items"], files["users"], demo=True)


def demo_sources() -> Sources:
    """The bundled demo files (read once per process; bytes are immutable, so sharing is safe)."""
    return _demo_sources(str(DEMO_DIR))


def current_sources() -> Sources:
    """This session's uploads when it has an interactions file, else the demo data."""
    uploaded = st.session_state.get(state.SOURCES) or {}
    if uploaded.get("interactions") is not None:
        return Sources(uploaded["interactions"], uploaded.get("items"), uploaded.get("users"))
    return demo_sources()


def current_choice(sources: Sources) -> Choice:
    held = st.session_state.get(state.MAPPING)
    return held[1] if held and held[0] == sources.key else Choice()


@st.cache_data(max_entries=4, ttl=3600, show_spinner="Reading and checking the files ...")
def _load_cached(sources: Sources, choice: Choice) -> LoadOutcome:
    return load_sources(sources, choice)


def current_outcome() -> LoadOutcome:
    """The loaded data of this browser session (the demo data until the user uploads a file)."""
    try:
        sources = current_sources()
    except DataError as err:
        return LoadOutcome(key=("missing demo",), error=str(err))
    choice = current_choice(sources)
    held = st.session_state.get(state.LOADED)
    if held is None or held.key != (sources.key, choice):
        held = _load_cached(sources, choice)
        st.session_state[state.LOADED] = held
        _start_text_vectors(held)
    return held


def _start_text_vectors(outcome: LoadOutcome) -> None:
    """Encode the item texts in the background as soon as the data loads, so the Train page finds
    them ready (``recsys.ui.session.text_jobs``); only when training would use them by default."""
    from recsys.ui.session.training import default_settings

    if outcome.ok and outcome.dataset.items is not None and default_settings().use_text:
        text_job(outcome.dataset, outcome.load_key)
