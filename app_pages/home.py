"""Home: what RecLens does, the dataset in use, the next step."""

import streamlit as st

from recsys.ui import data_view
from recsys.ui.loading import current_outcome

st.title("RecLens")
st.markdown(
    "**See why a recommender recommends, and whom it serves well.** RecLens trains a Transformer "
    "recommender on your interaction data, shows each user's top recommendations, explains every "
    "recommendation (attention over the user's history, SHAP attributions, counterfactuals) and "
    "checks whether user groups and item groups are treated fairly. Item titles and descriptions "
    "are read by a pretrained language model (all-MiniLM-L6-v2), so items nobody has clicked yet "
    "can still be recommended."
)
st.markdown(
    "1. **Data**: upload interactions (and optionally item and user files), check the column "
    "mapping, what was cleaned and the statistics.\n"
    "2. **Train**, **Recommend**, **Explain**, **Fairness** and **Model** pages are being built; "
    "until they land, everything they will show is available from the `recsys` Python package."
)

st.subheader("Current dataset")
outcome = current_outcome()
data_view.render_dataset_card(outcome)

st.subheader("Next step")
if outcome.ok and outcome.demo:
    st.markdown("You are looking at the bundled demo data. Upload your own files, or explore the demo first.")
st.page_link("app_pages/data.py", label="Open the Data page", icon=":material/arrow_forward:")
