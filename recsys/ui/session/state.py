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
    "DATA_SLOT",
    "upload_key",
    "MAP",
    "ITEM_ID",
    "USER_ID",
    "DAYFIRST",
    "USE_DEMO",
    "NONE_OPTION",
    "COLUMNS_GENERATION",
    "columns_key",
    "FLAG_GROUP",
    "FLAG_VALUES",
    "ENCODING",
    "COLUMNS_APPLY",
    "COLUMNS_ERROR",
    "DROP_SIDE",
    "RUN_PATH",
    "TRAIN_JOB",
    "OWNER_TOKEN",
    "USER",
    "USER_ERROR",
    "RUN_SELECT",
    "TRAIN",
    "TRAIN_SUBMIT",
    "SKIP_BASELINES",
    "CANCEL",
    "USER_SELECT",
    "USER_TEXT",
    "TOP_K",
    "WHATIF_REMOVE",
    "WHATIF_ADD",
    "TASTE_TEXT",
    "EXPLAIN_ITEM",
    "EXPLAIN_MODE",
    "WHY_NOT_ITEM",
    "ATTENTION_LAYER",
    "ATTENTION_HEAD",
    "EMBEDDING_KIND",
    "FAIR_USER_ATTRIBUTE",
    "FAIR_ITEM_ATTRIBUTE",
    "FAIR_METRIC",
    "FAIR_RERANKER",
    "FAIR_LAMBDA",
    "GRAPH_MAP_KIND",
    "GRAPH_FIT",
    "GRAPH_FITTED",
    "SIMILAR_BASIS",
    "GLOBAL_USERS",
    "GLOBAL_K",
    "GLOBAL_SUBMIT",
    "GLOBAL_SHOWN",
    "COMPARE_A",
    "COMPARE_B",
    "COMPARE_ALL_SETTINGS",
    "COMPARE_USER",
    "USER_FILTER",
    "USER_FILTER_CHANGED",
    "user_filter_key",
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

DATA_SLOT = "data_slot"
"""Plain key: ``(identity of the files on display, index of the Data page's slot showing them)``
(see ``recsys.ui.views.upload_view.dataset_slot``)."""


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

DAYFIRST = "map_dayfirst"
"""How dates such as 03/04/2021 are read: detected from the data, month first or day first."""

VALUE_KIND = "map_value_kind"
"""How the rating-or-weight column is read: detected, ratings or weights (``DataConfig.value_kind``)."""

USE_DEMO = "use_demo"
"""Button that drops this session's uploads and goes back to the demo data."""

NONE_OPTION = "(none)"
"""Selectbox option meaning "this file has no such column" (rating, timestamp)."""

COLUMNS_GENERATION = "columns_generation"
"""Plain key: an int bumped when column names and types are applied, giving the column tables
fresh keys (a data editor's edits cannot be cleared any other way)."""


def columns_key(kind: str, generation: int = 0) -> str:
    """Widget key of the column table (data editor) of the ``items`` or ``users`` file."""
    return f"columns_{kind}_{generation}"


FLAG_GROUP = {"items": "flag_group_items"}
"""Text input: the name of the items file's 0/1 flag group (e.g. ``genres``)."""

FLAG_VALUES = {"items": "flag_values_items"}
"""Text input: the values of the flag group, comma-separated, one per flag column in order."""

ENCODING = {"items": "encoding_items", "users": "encoding_users"}
"""Selectbox: the text encoding of the items / users file."""

COLUMNS_APPLY = {"items": "columns_apply_items", "users": "columns_apply_users"}
"""Form submit button that applies the column names, types, flag group and encoding."""

COLUMNS_ERROR = "columns_error"
"""Plain key: ``(kind, message)`` of the last column edit that could not be applied."""

DROP_SIDE = {"items": "drop_items", "users": "drop_users"}
"""Button that drops an items or users file matching few ids of the interactions."""

# ---------------------------------------------------------------- runs and training (plain keys)
RUN_PATH = "run_path"
"""``str``: folder of the run this session works with (Recommend, Explain, Model pages). Set when
the session trains or picks a run; a new session picks the newest run of its data on disk."""

TRAIN_JOB = "train_job"
"""``TrainJob``: this session's training thread (running or finished), polled by the Train page; or
another session's training on the same files, followed read-only (``TrainJob.owner`` says whose)."""

OWNER_TOKEN = "owner_token"
"""``str``: a random token made once per session; a training started here carries it as its owner,
and only the session holding it may cancel that training."""

USER = "selected_user"
"""``str``: the raw user id chosen on the Recommend or Explain page (shared by both)."""

USER_ERROR = "selected_user_error"
"""``str | None``: message for a typed user id that is not in the run's data."""

# ---------------------------------------------------------------- runs and training (widgets)
RUN_SELECT = "run_select"
"""Selectbox of the runs in the workspace that belong to the current data."""

TRAIN = {
    "dim": "train_dim",
    "blocks": "train_blocks",
    "heads": "train_heads",
    "max_len": "train_max_len",
    "epochs": "train_epochs",
    "learning_rate": "train_learning_rate",
    "use_text": "train_use_text",
    "use_graph": "train_use_graph",
    "target_attention": "train_target_attention",
    "baselines": "train_baselines",
    "time_limit": "train_time_limit",
    "split": "train_split",
}
"""Train form inputs by ``ModelConfig`` / ``TrainConfig`` field (``use_text``: the text-encoder toggle,
``use_graph``: the graph-vectors toggle, ``target_attention``: the target-attention toggle)."""

TRAIN_SUBMIT = "train_submit"
SKIP_BASELINES = "train_skip_baselines"
"""Button: skip the baselines of the running job that have not started."""
"""The Train form's submit button."""

CANCEL = "train_cancel"
"""Button that cancels this session's training."""

# ---------------------------------------------------------------- recommend and explain (widgets)
USER_SELECT = "user_select"
"""Selectbox over the run's user ids."""

USER_TEXT = "user_text"
"""Text input that accepts a user id (an unknown id shows an error)."""

TOP_K = "top_k"
"""How many recommendations to show."""

WHATIF_REMOVE = "whatif_remove"
"""Multiselect of history items to remove in the what-if."""

WHATIF_ADD = "whatif_add"
"""Multiselect of catalogue items to add to the history in the what-if."""

TASTE_TEXT = "taste_text"
"""Free-text description of a new user's tastes (semantic search over item texts)."""

EXPLAIN_ITEM = "explain_item"
"""Selectbox of the recommended item to explain."""

EXPLAIN_MODE = "explain_mode"
"""Radio on the Explain page: explain one of the top-K items, or any catalogue item ("why not?")."""

WHY_NOT_ITEM = "why_not_item"
"""Selectbox of any catalogue item to explain ("why not?")."""

ATTENTION_LAYER = "attention_layer"
"""Selectbox of the self-attention layer shown in the heatmap."""

ATTENTION_HEAD = "attention_head"
"""Selectbox of the attention head (or the mean over heads)."""

EMBEDDING_KIND = "embedding_kind"
"""Radio on the Model page: which item vectors the embedding map shows."""

GRAPH_MAP_KIND = "graph_map_kind"
"""Radio on the Model page: whether the graph-embedding map shows items or users."""

GRAPH_FIT = "graph_fit"
"""Button on the Model page: fit LightGCN for a run saved without its graph vectors."""

GRAPH_FITTED = "graph_fitted"
"""Run folder whose LightGCN vectors this session fitted (so the Explain page can use them)."""

SIMILAR_BASIS = "similar_users_basis"
"""Radio on the Explain page: graph or user-based similarity for "users like you also chose"."""

GLOBAL_USERS = "global_users"
"""Number input on the Explain page: users sampled for the explanations across users."""

GLOBAL_K = "global_k"
"""Number input on the Explain page: each sampled user's top-K explained across users."""

GLOBAL_SUBMIT = "global_submit"
"""Button on the Explain page that computes the explanations across users."""

GLOBAL_SHOWN = "global_shown"
"""Plain key: ``(run path, users, K)`` of the explanations across users last asked for (kept
across page switches, so the section stays filled)."""

# ---------------------------------------------------------------- fairness (widgets)
FAIR_USER_ATTRIBUTE = "fairness_user_attribute"
"""Selectbox of the user attribute the Fairness page groups users by."""

FAIR_ITEM_ATTRIBUTE = "fairness_item_attribute"
"""Selectbox of the item attribute for exposure and calibration on the Fairness page."""

FAIR_METRIC = "fairness_metric"
"""Radio of the metric the group bars show."""

FAIR_RERANKER = "fairness_reranker"
"""Radio of the re-ranker whose trade-off is shown (calibrated or exposure)."""

FAIR_LAMBDA = "fairness_lambda"
"""Slider of the re-ranking weight lambda (0 = the model's order)."""

# ---------------------------------------------------------------- compare runs (widgets, Train page)
COMPARE_A = "compare_run_a"
"""Selectbox of run A in the Train page's "Compare runs" section."""

COMPARE_B = "compare_run_b"
"""Selectbox of run B in the Train page's "Compare runs" section."""

COMPARE_ALL_SETTINGS = "compare_all_settings"
"""Toggle: list the settings both runs share too, not only those that differ."""

COMPARE_USER = "compare_user"
"""Selectbox of the user whose top-K from both runs is shown (none until picked: loads both models)."""

# ---------------------------------------------------------------- user filter (Recommend and Explain)
USER_FILTER = "user_filter"
"""Plain key: ``{filter name: value}`` of the user filter (attribute values, ranges, quartiles,
interactions range); shared by the Recommend and Explain pages and kept across page switches."""

USER_FILTER_CHANGED = "user_filter_changed"
"""Plain key: ``True`` after a filter changed, so a chosen user outside the filter is replaced
by the first match (a typed user outside the filter is kept)."""


def user_filter_key(name: str) -> str:
    """Widget key of one user-filter control (``name``: attribute or ``interactions``)."""
    return f"user_filter::{name}"
