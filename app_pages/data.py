"""Data: upload files, check the column mapping, name the side files' columns, read the load report and
the statistics."""

import streamlit as st

from recsys.ui.session.loading import current_outcome
from recsys.ui.views import columns_view, data_view, upload_view

st.title("Data")
st.caption(
    "Interactions are required; item metadata and user attributes are optional. CSV, TSV and other "
    "delimiters ('|', ';', '::') or Parquet, with or without a header line. Files stay in this browser "
    "session and are never shared with other users."
)

upload_view.render_uploaders()
with upload_view.dataset_slot():  # cleared at once when the files change (see dataset_slot)
    outcome = current_outcome()
    if outcome.ok:
        columns_view.render_side_warnings(outcome)
    data_view.render_mapping(outcome)
    columns_view.render_columns(outcome)
    if not outcome.ok:
        data_view.render_error(outcome)
        st.stop()

    data_view.render_reports(outcome.dataset)
    data_view.render_stats(outcome.stats)
    data_view.render_preview(outcome.dataset)
