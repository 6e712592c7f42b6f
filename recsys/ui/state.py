"""Session-state keys, in one place so that pages, helpers and tests agree on the names.

Two kinds of keys:

* plain keys hold what a browser session owns and must survive page switches (its uploaded
  files, its column-mapping choice, the data loaded from them);
* widget keys name widgets other code reads. Streamlit forgets a widget's value when the page
  that shows it is not displayed, so anything that must outlive the page is copied to a plain
  key by the widget's ``on_change`` callback.

Uploads live in ``st.session_state`` only: one browser session never sees another's files.
"""

from __future__ import annotations

__all__ = [
    "SOURCES",
    "MAPPING",
    "LOADED",
    "UPLOAD",
    "UPLOAD_GENERATION",
    "upload_key",
    "MAP",
    "ITEM_ID",
    "USER_ID",
    "USE_DEMO",
    "NONE_OPTION",
]

# ---------------------------------------------------------------- plain keys
SOURCES = "data_sources"
"""``dict[str, Source]``: this session's uploaded files by kind (``interactions``, ``items``,
``users``). Absent or without ``interactions`` means the bundled demo data is used. Tests put
bytes here to drive the Data page without a browser."""

MAPPING = "data_mapping"
"""``(sources_key, Choice)``: the user's column choices for those files; ``None`` = auto-detect."""

LOADED = "data_loaded"
"""``LoadOutcome`` of the current sources and choice (the session's own copy)."""

# ---------------------------------------------------------------- widget keys
UPLOAD = {
    "interactions": "upload_interactions",
    "items": "upload_items",
    "users": "upload_users",
}
"""File uploaders by kind (key prefixes: see ``upload_key``)."""

UPLOAD_GENERATION = "upload_generation"
"""Plain key: an int bumped to give the uploaders fresh keys, which empties them (Streamlit
does not let code set a file uploader's value)."""


def upload_key(kind: str, generation: int = 0) -> str:
    """Widget key of the ``kind`` file uploader in a given generation (0 until a reset)."""
    return f"{UPLOAD[kind]}_{generation}"


MAP = {
    "user": "map_user",
    "item": "map_item",
    "rating": "map_rating",
    "timestamp": "map_timestamp",
}
"""Column-mapping selectboxes of the interactions file by role."""

ITEM_ID = "map_item_id"
"""Id column of the items file."""

USER_ID = "map_user_id"
"""Id column of the users file."""

USE_DEMO = "use_demo"
"""Button that drops this session's uploads and goes back to the demo data."""

NONE_OPTION = "(none)"
"""Selectbox option meaning "this file has no such column" (rating, timestamp)."""
