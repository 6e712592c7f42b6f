"""RecLens: the app's entry point (`streamlit run app.py`).

The pages are the thin scripts in app_pages/, registered here with st.navigation. The folder must
not be called `pages/`: Streamlit (1.67) still switches to its older file-based navigation when a
`pages/` folder sits next to the entry script, and then, depending on the first URL a server
process is asked for, bypasses this file (no page config, wrong page list).
"""

import streamlit as st

from recsys.ui import keras_guard

keras_guard.install()  # Streamlit would reset Keras after each run, under a model training in a thread
st.set_page_config(page_title="RecLens", page_icon=":material/manage_search:", layout="wide")

pages = [
    st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("app_pages/data.py", title="Data", icon=":material/table_chart:"),
    st.Page("app_pages/train.py", title="Train", icon=":material/model_training:"),
    st.Page("app_pages/recommend.py", title="Recommend", icon=":material/recommend:"),
    st.Page("app_pages/explain.py", title="Explain", icon=":material/lightbulb:"),
    st.Page("app_pages/model.py", title="Model", icon=":material/account_tree:"),
    st.Page("app_pages/fairness.py", title="Fairness", icon=":material/balance:"),
]
st.navigation(pages).run()
