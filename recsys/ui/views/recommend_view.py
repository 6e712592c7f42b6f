"""The Recommend page: a user's history, their top-K, what-if edits of the history, recommendations
for a new user from a description of their tastes, and the CSV download.

The pure helpers (``history_frame``, ``recommendations``, ``what_if``, ``compare``) take a run's
dataset and recommender and return frames; the ``render_*`` functions draw them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from recsys.data import Dataset
from recsys.data.split import chronological
from recsys.explain.maps import item_categories
from recsys.model.features import from_model_ids, to_model_ids
from recsys.model.sequences import last_items
from recsys.output.spreadsheet import safe_csv
from recsys.ranking import top_k
from recsys.recommend import Recommender
from recsys.ui import charts
from recsys.ui.session import state

__all__ = [
    "EMPTY_WHAT_IF",
    "compare",
    "from_description",
    "history_frame",
    "item_text_vectors",
    "recommendations",
    "render_download",
    "render_history",
    "render_table",
    "render_what_if",
    "what_if",
]

EMPTY_WHAT_IF = (
    "With every item removed the history is empty, so the model has nothing to go on: add an item, "
    "or describe the tastes of a new user below."
)
MAX_ADD_OPTIONS = 5000


def history_frame(dataset: Dataset, user_idx: int, max_len: int) -> pd.DataFrame:
    """The user's interactions oldest first: title, categories, time, and whether the model reads it."""
    rows = chronological(dataset.interactions[dataset.interactions["user_idx"] == user_idx])
    idx = rows["item_idx"].to_numpy()
    cats = item_categories(dataset, idx)
    frame = pd.DataFrame(
        {
            "item_idx": idx,
            "item_id": rows["item"].to_numpy(),
            "title": dataset.titles(idx),
            "category": [c[0] if c else "(no category)" for c in cats],
            "categories": [", ".join(c) for c in cats],
        }
    )
    if dataset.has_timestamps:
        frame["when"] = pd.to_datetime(rows["timestamp"].to_numpy(), unit="s")
        frame["label"] = frame["when"].dt.strftime("%Y-%m-%d %H:%M")
    else:
        frame["when"] = np.arange(1, len(frame) + 1)
        frame["label"] = "item " + frame["when"].astype(str)
    if dataset.has_ratings:
        frame["rating"] = rows["rating"].to_numpy()
        frame["label"] += " · rating " + frame["rating"].map("{:g}".format)
    if dataset.has_weights:
        frame["weight"] = rows["weight"].to_numpy()
        frame["label"] += " · weight " + frame["weight"].map(lambda w: f"{w:,.0f}" if w.is_integer() else f"{w:.3g}")
    frame["in_window"] = np.arange(len(frame)) >= len(frame) - max_len
    return frame


def _frame(dataset: Dataset, items: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    keep = items >= 0
    items, scores = items[keep], scores[keep]
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(items) + 1),
            "item_id": [str(i) for i in dataset.item_encoder.inverse_transform(items)],
            "title": dataset.titles(items),
            "categories": [", ".join(c) for c in item_categories(dataset, items)],
            "score": scores.astype(float),
        }
    )


def _top_k_for_history(rec: Recommender, dataset: Dataset, user_idx: int, seq: np.ndarray, k: int) -> pd.DataFrame:
    """The model's top-``k`` for one history ``seq`` (model ids, oldest first), its items excluded."""
    histories = last_items({user_idx: seq}, [user_idx], rec.max_len)
    items, values = top_k(rec.score_histories(histories, [user_idx]), k, [from_model_ids(seq)])
    return _frame(dataset, items[0], values[0])


def recommendations(rec: Recommender, dataset: Dataset, user_id: str, k: int) -> pd.DataFrame:
    """Top-``k`` for a user (``Recommender.recommend``) with the items' categories."""
    frame = rec.recommend(dataset, user_id, k)
    frame["item_id"] = frame["item_id"].astype(str)
    items = dataset.item_encoder.transform(frame["item_id"].tolist()) if len(frame) else []
    frame.insert(3, "categories", [", ".join(c) for c in item_categories(dataset, items)])
    return frame


def what_if(rec: Recommender, dataset: Dataset, user_idx: int, remove, add, k: int) -> pd.DataFrame | None:
    """Top-``k`` after removing item indices ``remove`` from the history and adding ``add`` as the
    most recent items; ``None`` when nothing is left. Items in the edited history are excluded."""
    seq = rec.sequences.get(int(user_idx), np.zeros(0, np.int64))
    seq = seq[~np.isin(from_model_ids(seq), np.asarray(list(remove), dtype=np.int64))]
    seq = np.concatenate([seq, to_model_ids(np.asarray(list(add), dtype=np.int64))])
    if not len(seq):
        return None
    return _top_k_for_history(rec, dataset, int(user_idx), seq, k)


def compare(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """``after`` with a ``change`` column: ``new``, ``▲ 2`` (moved up), ``▼ 1`` or ``=``."""
    old = dict(zip(before["item_id"], before["rank"]))

    def change(item, rank):
        if item not in old:
            return "new"
        delta = old[item] - rank
        return "=" if delta == 0 else (f"▲ {delta}" if delta > 0 else f"▼ {-delta}")

    return after.assign(change=[change(i, r) for i, r in zip(after["item_id"], after["rank"])])


# ---------------------------------------------------------------- rendering

TABLE = {
    "rank": st.column_config.NumberColumn("rank", width=50),
    "title": st.column_config.TextColumn("title", width="medium"),
    "categories": st.column_config.TextColumn("categories", width="medium"),
    "score": st.column_config.NumberColumn("score", format="%.3f", width=70),
    "item_id": st.column_config.TextColumn("item id", width="small"),
    "change": st.column_config.TextColumn("change", width="small"),
    "similarity": st.column_config.NumberColumn("similarity", format="%.3f", width="small"),
}


def render_history(history: pd.DataFrame, max_len: int) -> None:
    st.plotly_chart(charts.history_figure(history), key="history_chart")
    older = int((~history["in_window"]).sum())
    note = f" The model reads the {max_len} most recent; the {older} older ones are faded." if older else ""
    st.caption(f"{len(history)} items, one marker each; hover for the title.{note}")


def render_table(frame: pd.DataFrame, key: str, columns=("rank", "title", "score", "categories"), where=st) -> None:
    """A recommendation table (titles are cells of text, never markup) in a container keyed ``key``;
    a categories column with nothing in it is left out."""
    shown = [c for c in columns if c in frame and not (c == "categories" and not frame[c].astype(bool).any())]
    where.container(key=key).dataframe(frame[shown], hide_index=True, column_config=TABLE)


def _label(dataset: Dataset):
    ids = dataset.item_encoder.to_list()
    titles = dataset.titles(np.arange(dataset.n_items))
    return lambda i: f"{titles[i]} ({ids[i]})" if titles[i] != ids[i] else ids[i]


def render_what_if(
    rec: Recommender, dataset: Dataset, user_idx: int, history: pd.DataFrame, original: pd.DataFrame, k: int
) -> None:
    """Multiselects to remove or add history items, and the top-K they lead to beside the current one."""
    label = _label(dataset)
    mine = list(dict.fromkeys(history["item_idx"].tolist()[::-1]))  # most recent first
    others = np.setdiff1d(np.arange(dataset.n_items), mine)
    if len(others) > MAX_ADD_OPTIONS:  # the most interacted-with items
        counts = np.bincount(dataset.interactions["item_idx"], minlength=dataset.n_items)[others]
        others = others[np.argsort(-counts, kind="stable")[:MAX_ADD_OPTIONS]]
    left, right = st.columns(2)
    remove = left.multiselect(
        "Remove from the history",
        mine,
        format_func=label,
        key=state.WHATIF_REMOVE,
        placeholder="Items this user interacted with",
    )
    add = right.multiselect(
        "Add to the history (as the most recent items)",
        others.tolist(),
        format_func=label,
        key=state.WHATIF_ADD,
        placeholder="Any item of the catalogue",
    )
    if not remove and not add:
        st.caption("Pick items above to see how the recommendations would change.")
        return
    changed = what_if(rec, dataset, user_idx, remove, add, k)
    if changed is None:
        st.info(EMPTY_WHAT_IF, icon=":material/info:")
        return
    changed = compare(original, changed)
    entered = int((changed["change"] == "new").sum())
    st.markdown(
        f"**{entered} of {k}** recommendations are new with this history. Removed items count as never "
        "seen, so they can come back as recommendations; added items are never recommended."
    )
    now, then = st.columns(2)
    now.caption("Now")
    render_table(original, "whatif_before", ("rank", "title", "score"), where=now)
    then.caption("What if")
    render_table(changed, "whatif_after", ("rank", "title", "score", "change"), where=then)


def from_description(rec: Recommender, dataset: Dataset, text_vectors, text: str, k: int, seeds: int = 5):
    """A new user described in words: the ``seeds`` items the description points to
    (``recsys.text.recommend_from_text``), then the model's top-``k`` with those items as the history.

    Returns:
        ``(matches, recommended)`` frames; ``DataError`` for an empty description.
    """
    from recsys.text import recommend_from_text

    idx, cosines = recommend_from_text(text, text_vectors.vectors, text_vectors.encoder, k=seeds)
    matches = _frame(dataset, idx, cosines).rename(columns={"score": "similarity"})
    return matches, _top_k_for_history(rec, dataset, -1, to_model_ids(idx[::-1]), k)  # best match = most recent


@st.cache_resource(max_entries=4, show_spinner="Embedding the item texts (the first time only; cached on disk) ...")
def item_text_vectors(path: str, _dataset: Dataset):
    """``recsys.text.TextVectors`` of a run's items (keyed by the run's folder)."""
    from recsys.text import embed_items

    return embed_items(_dataset)


def render_download(frame: pd.DataFrame, user_id: str) -> None:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(user_id))[:60] or "user"
    st.download_button(
        "Download as CSV",
        safe_csv(frame.assign(user_id=str(user_id))),
        file_name=f"recommendations_{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="download_recommendations",
        help="Cells that a spreadsheet would run as a formula (= + - @) start with a quote.",
    )
