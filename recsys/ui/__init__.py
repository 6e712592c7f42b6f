"""The Streamlit user interface: the only part of ``recsys`` that imports streamlit.

Pages in ``app_pages/`` stay thin: they read session state, call these helpers (which call the
library) and render. Figure builders (``charts``) return plotly figures and hold no state.
"""

from recsys.ui import charts, state
from recsys.ui.loading import Choice, LoadOutcome, Source, Sources, current_outcome, load_sources

__all__ = [
    "Choice",
    "LoadOutcome",
    "Source",
    "Sources",
    "charts",
    "current_outcome",
    "load_sources",
    "state",
]
