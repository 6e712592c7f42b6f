"""Showing what went wrong as words: an error's message, and a bug's traceback folded away.

A page section decorated with ``guarded`` shows its failure as one plain message in its place,
never as Streamlit's exception element, and the rest of the page still renders. Streamlit's own
stop and rerun signals are ``BaseException``\\ s, so they pass through.
"""

from __future__ import annotations

import functools
import logging
import traceback

import streamlit as st

from recsys.errors import RecLensError
from recsys.ui.views.text import md_escape

__all__ = ["UNEXPECTED_VIEW", "guarded", "render_message"]

UNEXPECTED_VIEW = (
    "Showing {what} failed with an unexpected {kind}. This is a bug in RecLens, not in your file; please report "
    "it (the details below help)."
)

log = logging.getLogger(__name__)


def render_message(message: str, details: str | None = None) -> None:
    """An error in plain words; the traceback of a bug, if any, folded away under "Details"."""
    st.error(md_escape(message), icon=":material/error:")
    if details:
        with st.expander("Details"):
            st.code(details, language=None)


def guarded(what: str):
    """Decorator: a ``RecLensError`` shows as its message, any other exception (a bug) as
    ``UNEXPECTED_VIEW`` with its traceback under "Details"."""

    def wrap(render):
        @functools.wraps(render)
        def section(*args, **kwargs):
            try:
                return render(*args, **kwargs)
            except RecLensError as err:
                render_message(str(err))
            except Exception as err:
                log.exception("unexpected error while showing %s", what)
                render_message(UNEXPECTED_VIEW.format(what=what, kind=type(err).__name__), traceback.format_exc())

        return section

    return wrap
