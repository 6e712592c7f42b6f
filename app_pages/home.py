"""Home: what RecLens does, the dataset and run in use, the next step."""

import streamlit as st

from recsys.ui import data_view, runs
from recsys.ui.loading import current_outcome
from recsys.ui.text import md_escape

st.title("RecLens")
st.markdown(
    "**See why a recommender recommends, and whom it serves well.** RecLens trains a Transformer "
    "recommender on your interaction data, shows each user's top recommendations, explains every "
    "recommendation (attention over the user's history, SHAP attributions, counterfactuals) and "
    "checks whether user groups and item groups are treated fairly. Item titles and descriptions "
    "are read by a pretrained language model (all-MiniLM-L6-v2), so items nobody has clicked yet "
    "can still be recommended."
)

STEPS = [
    (
        "app_pages/data.py",
        "Data",
        ":material/table_chart:",
        "upload interactions (and optionally item and user files), check the column mapping, what was cleaned and "
        "the statistics.",
    ),
    (
        "app_pages/train.py",
        "Train",
        ":material/model_training:",
        "train the Transformer with live progress and compare it with MostPopular, ItemKNN, UserKNN, EASE "
        "and LightGCN.",
    ),
    (
        "app_pages/recommend.py",
        "Recommend",
        ":material/recommend:",
        "a user's history and top recommendations; edit the history or describe tastes in words and watch them "
        "change; download them as CSV.",
    ),
    (
        "app_pages/explain.py",
        "Explain",
        ":material/lightbulb:",
        "why an item is recommended: the reason in words, the counterfactual, attention, SHAP and how faithful "
        "each explanation is.",
    ),
    (
        "app_pages/model.py",
        "Model",
        ":material/account_tree:",
        "the network's embedding, interaction and output layers, the item embedding map and the training curve.",
    ),
]
for path, label, icon, text in STEPS:
    left, right = st.columns([1, 5], vertical_alignment="center")
    left.page_link(path, label=label, icon=icon)
    right.markdown(text)
st.caption("A Fairness page (group metrics, exposure, re-ranking) is on its way.")

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
    st.page_link("app_pages/train.py", label="Train a model on this data", icon=":material/arrow_forward:")
else:
    st.markdown(f"A trained run of this data is ready: {md_escape(runs.run_label(pick.record))}.")
    st.page_link("app_pages/recommend.py", label="See the recommendations", icon=":material/arrow_forward:")
