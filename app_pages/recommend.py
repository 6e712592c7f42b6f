"""Recommend: a user's history and top-K, what-if edits of the history, a new user in words."""

import streamlit as st

from recsys.errors import DataError
from recsys.ui.session import state
from recsys.ui.session.loading import current_outcome
from recsys.ui.session.training import text_encoder_available
from recsys.ui.views import recommend_view as rv
from recsys.ui.views.run_picker import require_run
from recsys.ui.views.text import md_escape
from recsys.ui.views.users import render_user_picker

st.title("Recommend")
st.caption(
    "Pick a user to see what they interacted with and what the trained model recommends next. Items they already "
    "have are never recommended. Edit the history to see how the recommendations respond."
)

pick = require_run(current_outcome())
run, rec = pick.run, pick.recommender
dataset, max_len = run.dataset, run.model_config.max_len

user = render_user_picker(dataset)
user_idx = int(dataset.user_encoder.transform([user])[0])
history = rv.history_frame(dataset, user_idx, max_len)
if history.empty:
    st.info(f"User {md_escape(user)} has no interactions in this run's data, so there is nothing to recommend from.")
    st.stop()

left, right = st.columns([1.1, 1], gap="large")
with left:
    st.subheader(f"History of user {md_escape(user)}")
    rv.render_history(history, max_len)
with right:
    k = st.number_input("How many recommendations", 5, 50, 10, step=5, key=state.TOP_K)
    st.subheader(f"Top {k}")
    top = rv.recommendations(rec, dataset, user, int(k))
    if len(top) < k:
        st.caption(f"Only {len(top)} items are left that this user has not interacted with.")
    rv.render_table(top, "recommendations")
    rv.render_download(top, user)
    st.page_link("app_pages/explain.py", label="Why these items? Open the Explain page", icon=":material/lightbulb:")

st.subheader("What if the history were different?")
rv.render_what_if(rec, dataset, user_idx, history, top, int(k))

st.subheader("A new user: describe what you like")
if not text_encoder_available():
    st.info(
        "Describing tastes in words needs the text encoder (`recsys.text`), which is not available in this "
        "installation.",
        icon=":material/info:",
    )
    st.stop()
text = st.text_input(
    "Your tastes, in a sentence", key=state.TASTE_TEXT, placeholder="e.g. space adventures and heist films with a twist"
)
if text.strip():
    vectors = rv.item_text_vectors(str(pick.path), dataset)
    try:
        matches, recommended = rv.from_description(rec, dataset, vectors, text, int(k))
    except DataError as err:
        st.error(md_escape(err), icon=":material/error:")
        st.stop()
    if vectors.info.get("notice"):
        st.caption(md_escape(vectors.info["notice"]))
    left, right = st.columns([1, 1.35], gap="large")
    left.caption("Items whose description is closest to yours (semantic search)")
    rv.render_table(matches, "text_matches", ("rank", "title", "similarity"), where=left)
    right.caption("Recommended with those items as the history")
    rv.render_table(recommended, "text_recommendations", where=right)
