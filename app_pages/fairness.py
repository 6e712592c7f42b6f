"""Fairness: group metrics with intervals, item exposure, calibration, re-ranking trade-off."""

import streamlit as st

from recsys.errors import RecLensError
from recsys.ui.session import fairness_audit as fa
from recsys.ui.session.loading import current_outcome
from recsys.ui.views import fairness_view as fv
from recsys.ui.views.run_picker import require_run
from recsys.ui.views.text import md_escape

st.title("Fairness")
st.caption(
    "Does the recommender serve every group of users equally well, and which items does it show? Pick how to group "
    "users and items; every number comes with the protocol it was measured under and, for groups, a 95% interval."
)

pick = require_run(current_outcome())
run, rec = pick.run, pick.recommender
dataset = run.dataset

attribute, item_attribute = fv.render_pickers(dataset)
try:
    lists, result = fa.compute(str(pick.path), rec, dataset, attribute, item_attribute, run.info.get("split"))
except RecLensError as err:
    st.error(md_escape(err), icon=":material/error:")
    st.stop()
fv.render_protocol(result)

st.subheader("Users: who is served well?", anchor=False)
fv.render_users(result)

st.subheader("Items: who gets shown?", anchor=False)
fv.render_items(result)

st.subheader("Calibration: do the lists match each user's tastes?", anchor=False)
fv.render_calibration(result, fa.profile(str(pick.path), item_attribute, lists, dataset))

st.subheader("Re-ranking: what fairness costs in accuracy", anchor=False)
fv.render_tradeoff(result, str(pick.path), lists, dataset)

st.subheader("Report", anchor=False)
fv.render_download(result)
