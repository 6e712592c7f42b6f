"""The Explain page: why one item is (or is not) recommended to one user.

``explain`` runs ``recsys.explain.explain_item`` once per run, user, item and K (kept in a
process-wide cache), showing each step in a status box while it computes; the ``render_*``
functions draw its parts. Titles reach the screen as text: escaped for Markdown, and through
``charts.plain`` inside figures. Picking any item ("why not?") and the downloads are in
``why_not_view``.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import numpy as np
import pandas as pd
import streamlit as st

from recsys.explain import ItemExplanation, explain_item
from recsys.ui import charts
from recsys.ui.session import state
from recsys.ui.views.text import md_escape

__all__ = [
    "MEAN_OF_HEADS",
    "counterfactual_sentence",
    "explain",
    "render_attention",
    "render_faithfulness",
    "render_item_picker",
    "render_reason",
    "render_shap",
]

MEAN_OF_HEADS = "mean of the heads"


CACHED = 64  # explanations kept per process


class _Store:
    """The last ``CACHED`` explanations, shared by the sessions (keyed by the run, so a session
    only reads explanations of runs it has); thread-safe."""

    def __init__(self):
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > CACHED:
                self.items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _store() -> _Store:
    return _Store()


def explain(path: str, user_id: str, item_id: str, k: int, recommender, dataset, model_config,
            warming: bool = False) -> ItemExplanation:
    """The full explanation of ``item_id`` for ``user_id`` (cached per run, user, item and K).

    While it computes, a status box names the step in progress (``recsys.explain.STEPS``) and
    says when the run's graphs are still being prepared (``warming``: the background warm-up of
    ``recsys.ui.session.runs.warm_up_job`` has not finished); it is removed once the explanation is ready.
    """
    key = (path, user_id, item_id, k)
    cached = _store().get(key)
    if cached is not None and cached[0]() is recommender:  # not a run saved again in the same folder
        return cached[1]
    slot = st.empty()
    note = " (the model is still being prepared in the background: the first explanation takes longer)"
    with slot.status("Explaining" + (note if warming else "") + " ...", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")

        def progress(step: str, done: int, total: int) -> None:
            bar.progress(done / total, text=f"Step {min(done + 1, total)} of {total}: {step}")
            if done < total:
                status.write(f"{step} ...")

        e = explain_item(recommender, dataset, model_config, user_id, item_id=item_id, k=k, progress=progress)
    slot.empty()
    _store().put(key, (weakref.ref(recommender), e))
    return e


def render_item_picker(top: pd.DataFrame) -> str:
    """A selectbox over the user's top-K; returns the chosen item id."""
    # The labels are the options (rank first, so they are unique); the id is looked up after.
    ids = {
        f"{row.rank}. {row.title}" + (f" ({row.item_id})" if row.title != row.item_id else ""): row.item_id
        for row in top.itertuples()
    }
    if st.session_state.get(state.EXPLAIN_ITEM) not in ids:
        st.session_state.pop(state.EXPLAIN_ITEM, None)
    return ids[st.selectbox("Recommended item to explain", list(ids), key=state.EXPLAIN_ITEM)]


def _quoted(titles) -> str:
    quoted = [f"‘{t}’" for t in titles]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _moved_sentence(e: ItemExplanation, removed_titles: list[str], k: int) -> str:
    cf = e.counterfactual
    items = "" if len(removed_titles) == 1 else f" ({len(removed_titles)} items)"
    move, edge = ("rise", "into") if cf.direction == "rise" else ("drop", "out of")
    return (
        f"Without {_quoted(removed_titles)} in the history{items}, ‘{e.item_title}’ would {move} from "
        f"rank {cf.original_rank} to rank {cf.new_rank}, {edge} the top {k}."
    )


def _rise_sentence(e: ItemExplanation, removed_titles: list[str], k: int) -> str:
    cf = e.counterfactual
    if removed_titles:
        n = len(removed_titles)
        which = "the one history item that holds" if n == 1 else f"all {n} history items that hold"
        return (
            f"Removing {which} ‘{e.item_title}’ down would lift it to rank {cf.new_rank} (now "
            f"{cf.original_rank}), still outside the top {k}: it ranks low for its overall fit rather than "
            "because of particular items of the history."
        )
    return (
        f"No item of the history holds ‘{e.item_title}’ down: it ranks {cf.original_rank} for its overall fit "
        "(popularity, categories, the user's attributes), not because of a particular item."
    )


def counterfactual_sentence(e: ItemExplanation, removed_titles: list[str], k: int) -> str:
    """The counterfactual in one plain sentence (not escaped)."""
    cf = e.counterfactual
    if cf.found:
        return _moved_sentence(e, removed_titles, k)
    if cf.direction == "rise":
        return _rise_sentence(e, removed_titles, k)
    if removed_titles:
        n = len(removed_titles)
        which = "the one history item that pushes" if n == 1 else f"all {n} history items that push"
        return (
            f"Removing {which} ‘{e.item_title}’ up would leave it at rank {cf.new_rank} (now "
            f"{cf.original_rank}), still inside the top {k}: it is recommended for its overall fit rather than "
            "for particular items of the history."
        )
    return (
        f"No item of the history pushes ‘{e.item_title}’ up: it is recommended for its overall fit "
        "(popularity, categories, the user's attributes), not because of a particular item."
    )


def render_reason(e: ItemExplanation, removed_titles: list[str], k: int) -> None:
    st.info(md_escape(e.reason), icon=":material/lightbulb:")
    st.markdown("**Counterfactual.** " + md_escape(counterfactual_sentence(e, removed_titles, k)))
    st.caption(
        f"Rank {e.rank}, score {e.score:.3f}. The explanation covers the {len(e.history_titles)} most "
        f"recent history items (what the model reads). Computed in {e.timings_ms.get('total', 0):.0f} ms."
    )


def render_attention(e: ItemExplanation) -> None:
    """Self-attention heatmap (layer and head selectable) and target-attention bars."""
    att = e.attention
    layers = list(att.self_attention)
    if not layers or not len(att.items):
        st.info("This model has no self-attention over a history to show.", icon=":material/info:")
        return
    heads = {MEAN_OF_HEADS: None} | {f"head {h + 1}": h for h in range(att.self_attention[layers[0]].shape[0])}
    blocks = {f"block {int(name.rsplit('_', 1)[-1]) + 1} ({name})": name for name in layers}
    left, right = st.columns(2)
    layer = blocks[left.selectbox("Layer", list(blocks), key=state.ATTENTION_LAYER)]
    which = right.selectbox("Head", list(heads), key=state.ATTENTION_HEAD)
    head = heads[which]
    maps = att.self_attention[layer]
    matrix = maps.mean(0) if head is None else maps[head]
    left, right = st.columns([1.25, 1], gap="large")
    left.plotly_chart(
        charts.attention_heatmap_figure(matrix, e.history_titles, f"Self-attention, {layer}, {which}"),
        key="attention_heatmap",
    )
    if att.target.size:
        weights = att.target_mean if head is None else att.target[min(head, len(att.target) - 1)]
        right.plotly_chart(
            charts.attention_bars_figure(weights, e.history_titles, f"Target attention, {which}"),
            key="target_attention",
        )
    left.caption(
        "Each row is a history item (oldest first) and how much it attends to earlier items; the model "
        "is causal, so nothing attends to later items."
    )
    older = len(att.items) - att.target_window if att.target.size and att.target_window else 0
    right.caption(
        "How much the recommended item attends to each history item. Attention shows where the model "
        "looks, not what moves the score: see the SHAP values and the deletion curves."
        + (f" Target attention reads the {att.target_window} most recent items: the {older} older ones show 0."
           if older > 0 else "")
    )


def render_shap(e: ItemExplanation) -> None:
    """SHAP bars and waterfalls for the history items and for the side features."""
    hist, side = e.history_shap, e.side_shap
    base = float(np.ravel(hist.base_values)[0])
    history_tab, side_tab = st.tabs(["History items", "Side features"])
    with history_tab:
        left, right = st.columns(2, gap="large")
        left.plotly_chart(
            charts.shap_bar_figure(hist.values, e.history_titles, "SHAP value of each history item"),
            key="shap_history_bar",
        )
        right.plotly_chart(
            charts.waterfall_figure(hist.values, e.history_titles, base, "From the empty-history score to this score"),
            key="shap_history_waterfall",
        )
        st.caption(
            "Positive values (blue) raise this item's score, negative (orange) lower it; they add up exactly "
            "from the base value (the score with no history) to the score."
        )
    with side_tab:
        names = list(side.feature_names or [])
        if not names:
            st.info("This run has no side features (item categories, numbers, text or user attributes).")
            return
        side_base = float(np.ravel(side.base_values)[0])
        data = [str(d) for d in side.data]
        left, right = st.columns(2, gap="large")
        left.plotly_chart(
            charts.shap_bar_figure(
                side.values, [f"{n} = {d}" for n, d in zip(names, data)], "SHAP value of each side feature"
            ),
            key="shap_side_bar",
        )
        right.plotly_chart(
            charts.waterfall_figure(
                side.values, names, side_base, "From the score without side features to this score", data=data
            ),
            key="shap_side_waterfall",
        )


def render_faithfulness(e: ItemExplanation) -> None:
    """Deletion curves for SHAP, attention and random orders, with ERASER scores."""
    f = e.faithfulness
    if not f.curves:
        st.info("There is no history to remove, so there are no deletion curves.")
        return
    left, right = st.columns([1.6, 1], gap="large")
    left.plotly_chart(charts.deletion_figure(f), key="deletion_curves")
    eraser = pd.DataFrame(f.eraser).T.rename(index={"shap": "SHAP"}).rename_axis("explanation").reset_index()
    right.markdown("**How faithful is each explanation?**")
    right.caption(
        "Remove history items in the order an explanation ranks them and re-score. The faster the "
        "score falls (smaller area), the better the explanation names what the score depends on. "
        "Comprehensiveness: score drop when its top 20% are removed (higher is better); sufficiency: "
        "drop when only they are kept (lower is better)."
    )
    right.container(key="eraser").dataframe(
        eraser,
        hide_index=True,
        column_config={c: st.column_config.NumberColumn(format="%.3f") for c in eraser.columns[1:]},
    )
