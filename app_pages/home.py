"""Home: what RecLens does, the dataset and run in use, the next step."""

import streamlit as st

from recsys.ui.pages import PAGES, page_path
from recsys.ui.session import runs
from recsys.ui.session.loading import current_outcome
from recsys.ui.views import data_view
from recsys.ui.views.text import md_escape

st.title("RecLens")
st.markdown(
    "**See why a recommender recommends, and whom it serves well.** RecLens trains a Transformer "
    "recommender on your interaction data, shows each user's top recommendations, explains every "
    "recommendation (attention over the user's history, SHAP attributions, counterfactuals) and "
    "checks whether user groups and item groups are treated fairly. Item titles and descriptions "
    "are read by a pretrained language model (all-MiniLM-L6-v2), so items nobody has clicked yet "
    "can still be recommended."
)

for page in (p for p in PAGES if p.name != "home"):  # every other page
    left, right = st.columns([1, 5], vertical_alignment="center")
    left.page_link(page.path, label=page.title, icon=page.icon)
    right.markdown(page.blurb)

st.subheader("Current dataset")
outcome = current_outcome()
data_view.render_dataset_card(outcome)

st.subheader("Next step")
if not outcome.ok:
    st.stop()
pick = runs.current_run(outcome, load=False)
if pick.record is None:
    if outcome.demo:
        st.markdown("You are looking at the bundled demo data. Upload your own files, or train a model on the demo.")
    st.page_link(page_path("train"), label="Train a model on this data", icon=":material/arrow_forward:")
else:
    st.markdown(f"A trained run of this data is ready: {md_escape(runs.run_label(pick.record))}.")
    st.page_link(page_path("recommend"), label="See the recommendations", icon=":material/arrow_forward:")
