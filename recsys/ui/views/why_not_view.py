"""The Explain page's item choice (one of the top-K, or any catalogue item: "why not?"), the
why-not block (rank, gap to the K-th item, the history items holding the item down) and the
downloads of an explanation (JSON and spreadsheet-safe CSV)."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from recsys.explain import ItemExplanation, explanation_json, explanation_table
from recsys.ui.session import state
from recsys.ui.views.explain_view import render_item_picker as render_top_picker
from recsys.ui.views.export import safe_csv
from recsys.ui.views.text import md_escape

__all__ = ["ANY_ITEM", "TOP_ITEM", "render_downloads", "render_item_picker", "render_why_not", "why_not_sentence"]

TOP_ITEM = "a recommended item"
ANY_ITEM = "any item (why not?)"


def _label(item_id: str, title: str) -> str:
    return title if title == item_id else f"{title} ({item_id})"


def render_item_picker(top: pd.DataFrame, recommender, dataset, user_id: str) -> tuple[str, bool]:
    """A radio (a top-K item or any item) and the matching selectbox.

    Returns:
        ``(item id, any_item)``: ``any_item`` is True when the item was picked from the whole
        catalogue (the items the user already has are not offered).
    """
    mode = st.radio("Explain", [TOP_ITEM, ANY_ITEM], key=state.EXPLAIN_MODE, horizontal=True,
                    help="Any item: pick an item the model does not recommend to see its rank, how far it is "
                         "from the top 10 and which history items hold it down.")
    if mode == TOP_ITEM:
        return render_top_picker(top), False
    user = dataset.user_encoder.transform([user_id])
    candidates = pd.Index(range(dataset.n_items)).difference(recommender.seen(user)[0])
    ids = [str(i) for i in dataset.item_encoder.inverse_transform(candidates.to_numpy())]
    labels = dict(zip(ids, map(_label, ids, dataset.titles(candidates.to_numpy()))))
    options = sorted(ids, key=lambda i: labels[i].casefold())
    if st.session_state.get(state.WHY_NOT_ITEM) not in labels:
        st.session_state.pop(state.WHY_NOT_ITEM, None)
    item = st.selectbox(f"Any item ({len(options):,} not in this user's history)", options, key=state.WHY_NOT_ITEM,
                        format_func=labels.get, help="Type in the box to filter the list.")
    return item, True


def why_not_sentence(e: ItemExplanation) -> str:
    """Where the item ranks and how far it is from the K-th item, in one sentence (not escaped)."""
    w = e.why_not
    if w.in_top_k:
        return f"‘{e.item_title}’ is at rank {w.rank}, inside the top {w.k}."
    cutoff = e.item_ref(w.cutoff_item)["title"]
    return (
        f"‘{e.item_title}’ ranks {w.rank:,} for this user: its score ({w.score:.3f}) is {abs(w.gap):.3f} below "
        f"that of rank {w.k}, ‘{cutoff}’ ({w.cutoff_score:.3f})."
    )


def render_why_not(e: ItemExplanation) -> None:
    """Rank and gap, and the history items holding the item down (a table)."""
    w = e.why_not
    if w is None:
        return
    if w.in_history:
        st.info(md_escape(f"‘{e.item_title}’ is already in this user's history, so it is never recommended; "
                          "the numbers below treat it as a new candidate."), icon=":material/info:")
    st.markdown("**Why not higher?** " + md_escape(why_not_sentence(e)))
    if w.holding_down.empty:
        if not w.in_top_k:
            st.caption("No history item lowers its score: it ranks low for its overall fit, not because of "
                       "particular items of the history.")
        return
    rows = [e.item_ref(int(r.history_item)) | {"SHAP value": r.shap, "rank without it": r.rank_without}
            for r in w.holding_down.itertuples()]
    table = pd.DataFrame(rows).rename(columns={"item_id": "item id"})[["title", "item id", "SHAP value",
                                                                        "rank without it"]]
    st.container(key="why_not_holding").dataframe(
        table, hide_index=True, column_config={"SHAP value": st.column_config.NumberColumn(format="%.3f")})
    st.caption("The history items holding it down: the most negative SHAP values. 'rank without it' re-scores "
               "the whole catalogue with only that item removed from the history.")


def render_downloads(e: ItemExplanation) -> None:
    """JSON (everything, nested) and CSV (one long table) of the explanation."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{e.user_id}_{e.item_id}")[:80] or "explanation"
    left, right = st.columns(2)
    left.download_button("Download the explanation (JSON)", explanation_json(e), file_name=f"explanation_{name}.json",
                         mime="application/json", icon=":material/download:", key="download_explanation_json",
                         help="Reason, counterfactual, rank, SHAP values, attention weights and maps, deletion "
                              "curves and faithfulness scores.")
    # Formula-safe CSV writer: recsys.ui.views.export.safe_csv
    right.download_button("Download the explanation (CSV)", safe_csv(explanation_table(e)),
                          file_name=f"explanation_{name}.csv", mime="text/csv", icon=":material/download:",
                          key="download_explanation_csv",
                          help="One row per number. Cells that a spreadsheet would run as a formula (= + - @) "
                               "start with a quote.")
