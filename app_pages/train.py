"""Train: settings, live progress with cancel, the leaderboard beside the baselines."""

import streamlit as st

from recsys.ui.pages import page_path
from recsys.ui.session import runs
from recsys.ui.session.loading import current_outcome
from recsys.ui.views import compare_view, data_view, train_form, train_view
from recsys.ui.views.run_picker import render_picker

st.title("Train")
st.caption(
    "Trains the Transformer recommender on the current data, then the MostPopular, ItemKNN, UserKNN, EASE and "
    "LightGCN baselines, and evaluates all of them the same way. Runs are saved in the workspace folder, so a page reload or a "
    "restart loses nothing."
)

outcome = current_outcome()
if not outcome.ok:
    data_view.render_error(outcome)
    st.page_link(page_path("data"), label="Fix it on the Data page", icon=":material/table:")
    st.stop()

job = train_view.current_job(outcome)
job = train_form.render_form(outcome, job) or job
if job is not None and job.running:
    train_view.render_live(job)
train_view.render_job(job)

pick = runs.current_run(outcome, load=False)
if pick.choices:
    render_picker(pick, label="Run to show (and to use on the Recommend, Explain and Model pages)")
    train_view.render_results(pick)
    compare_view.render_compare(pick, outcome.dataset)
elif job is None or not job.running:
    st.info("No run of this data yet: choose the settings above and press **Train**.", icon=":material/info:")
