"""The Streamlit user interface: the only part of ``recsys`` that imports streamlit.

Three layers, each importing only the ones before it:

- ``charts``: plotly figure builders; no state, no widgets.
- ``session``: what a browser session holds: state keys, the loaded data and its caches, saved
  runs, the background training and text-vector jobs, the fairness audit's cache.
- ``views``: one module per page's rendering and the widgets pages share; they read ``session``
  and draw ``charts``.

``pages`` is the page registry used by ``app.py``, the Home page and the tests. Pages in
``app_pages/`` stay thin: they read the session, call the views and render.
"""
