"""Explain: why an item is (or is not) recommended to a user (attention, SHAP, counterfactual,
rank and gap to the top 10, faithfulness), with downloads."""

import streamlit as st

from recsys.errors import RecLensError
from recsys.ui.session import runs
from recsys.ui.session.loading import current_outcome
from recsys.ui.views import explain_view as ev
from recsys.ui.views import graph_view as gv
from recsys.ui.views import recommend_view as rv
from recsys.ui.views import summary_view as sv
from recsys.ui.views import why_not_view as wv
from recsys.ui.views.run_picker import require_run
from recsys.ui.views.text import md_escape
from recsys.ui.views.users import render_user_picker

K = 10

st.title("Explain")
st.caption(
    "Why is this item recommended to this user, or why not? The reason and the counterfactual in words first, "
    "then the evidence: attention over the history, SHAP attributions and how faithful each explanation is."
)

pick = require_run(current_outcome())
run, rec = pick.run, pick.recommender
dataset = run.dataset

user = render_user_picker(dataset)
top = rv.recommendations(rec, dataset, user, K)
if top.empty:
    st.info(f"User {md_escape(user)} has no recommendations: they have interacted with every item.")
    st.stop()
item, any_item = wv.render_item_picker(top, rec, dataset, user)

try:
    warming = not runs.warm_up_job(pick.path).done
    e = ev.explain(str(pick.path), user, item, K, rec, dataset, run.model_config, warming=warming)
except RecLensError as err:
    st.error(md_escape(err), icon=":material/error:")
    st.stop()
removed = dataset.titles(dataset.item_encoder.transform(e.counterfactual_ids)) if e.counterfactual_ids else []

st.subheader(md_escape(e.item_title), anchor=False)  # shown as written, never as markup
ev.render_reason(e, removed, K)
if any_item or e.rank > K:
    wv.render_why_not(e)
wv.render_downloads(e)

st.subheader("Users like you also chose this", anchor=False)
gv.render_similar_users(pick.path, dataset, user, item, e.item_title)

st.subheader("Attention over the history", anchor=False)
ev.render_attention(e)

st.subheader("SHAP attributions", anchor=False)
ev.render_shap(e)

st.subheader("Faithfulness: attention vs SHAP vs random", anchor=False)
ev.render_faithfulness(e)

st.subheader("Across users", anchor=False)
sv.render_across_users(pick)
