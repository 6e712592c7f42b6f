"""The app's pages in one registry: ``app.py`` registers them with ``st.navigation`` and the Home
page lists them from here, so the two cannot drift apart. Tests and page links name a page by
its script's stem (``page_path("train")``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["PAGES", "Page", "page", "page_path"]


@dataclass(frozen=True)
class Page:
    """One page: its script (relative to the repository), title and icon in the navigation, and
    the one-line description the Home page shows."""

    path: str
    title: str
    icon: str
    blurb: str
    default: bool = False

    @property
    def name(self) -> str:
        """The script's stem: ``"train"`` for ``app_pages/train.py``."""
        return Path(self.path).stem


PAGES = (
    Page("app_pages/home.py", "Home", ":material/home:", "what RecLens does, the data and run in use, the next step.",
         default=True),
    Page("app_pages/data.py", "Data", ":material/table_chart:",
         "upload interactions (and optionally item and user files), check the column mapping, what was cleaned and "
         "the statistics."),
    Page("app_pages/train.py", "Train", ":material/model_training:",
         "train the Transformer with live progress, see it beside MostPopular, ItemKNN, UserKNN, EASE and LightGCN "
         "(NDCG, HR, precision, F1, ...) and compare two runs side by side."),
    Page("app_pages/recommend.py", "Recommend", ":material/recommend:",
         "a user's history and top recommendations (filter users by attribute or activity); edit the history or "
         "describe tastes in words and watch them change; download them as CSV."),
    Page("app_pages/explain.py", "Explain", ":material/lightbulb:",
         "why an item is recommended: the reason in words, the counterfactual, attention, SHAP and how faithful "
         "each explanation is."),
    Page("app_pages/model.py", "Model", ":material/account_tree:",
         "the network's embedding, interaction and output layers, the item embedding map and the training curve."),
    Page("app_pages/fairness.py", "Fairness", ":material/balance:",
         "whether user groups are served equally well (with 95% intervals), which items get shown, calibration, "
         "and what fairer re-ranking costs in accuracy."),
)


def page(name: str) -> Page:
    """The page whose script is ``app_pages/<name>.py``.

    Raises:
        KeyError: no such page (the message lists the pages).
    """
    for p in PAGES:
        if p.name == name:
            return p
    raise KeyError(f"No page '{name}'; the pages are {', '.join(p.name for p in PAGES)}.")


def page_path(name: str) -> str:
    """The script path of page ``name``, for ``st.page_link`` and ``AppTest.switch_page``."""
    return page(name).path
