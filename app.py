"""RecLens: the app's entry point (`streamlit run app.py`).

The pages are the thin scripts in app_pages/, listed in recsys/ui/pages.py (PAGES, which the Home page
lists too) and registered here with st.navigation. The folder must
not be called `pages/`: Streamlit (1.67) still switches to its older file-based navigation when a
`pages/` folder sits next to the entry script, and then, depending on the first URL a server
process is asked for, bypasses this file (no page config, wrong page list).
"""

import streamlit as st

from recsys.ui.pages import PAGES
from recsys.ui.session import keras_guard

keras_guard.install()  # Streamlit would reset Keras after each run, under a model training in a thread
st.set_page_config(page_title="RecLens", page_icon=":material/manage_search:", layout="wide")

st.navigation([st.Page(p.path, title=p.title, icon=p.icon, default=p.default) for p in PAGES]).run()
