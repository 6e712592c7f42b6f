"""The Fairness page's work, cached: the audit lists once per run, the group audit per run and
attribute pair, the re-ranking sweep per run and item attribute, so changing the user attribute
re-scores nothing and moving lambda only reads the sweep. All of it is ``recsys.fairness``'s;
this module only decides what is cached under which key and shows progress.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from recsys.data import Dataset, rebuild_split
from recsys.evaluate.protocol import SequenceScorer
from recsys.fairness import (
    AuditConfig,
    AuditLists,
    AuditResult,
    audit_from_lists,
    audit_lists,
    audit_tradeoff,
    calibration_categories,
    calibration_profile,
    exposure_lorenz,
    gini,
    item_exposure,
    item_groups,
    rerank_lists,
)
from recsys.output.spreadsheet import safe_csv

__all__ = ["K", "LAMBDAS", "N_BOOT", "N_CANDIDATES", "compute", "profile", "report_zip", "reranked_lorenz"]

K = 10
N_CANDIDATES = 100
N_BOOT = 200
LAMBDAS = tuple(round(x, 1) for x in np.linspace(0, 1, 11))


@st.cache_data(max_entries=4, show_spinner=False)
def _lists(path: str, _recommender, _dataset: Dataset, _split: dict | None) -> AuditLists:
    split = rebuild_split(_dataset.interactions, _split)  # the run's own split, as it was trained and tested
    return audit_lists(_dataset, SequenceScorer(_recommender), split=split, n_candidates=N_CANDIDATES)


@st.cache_data(max_entries=32, show_spinner=False)
def _audit(path: str, attribute: str, item_attribute: str, _lists: AuditLists, _dataset: Dataset) -> AuditResult:
    config = AuditConfig(item_attribute=item_attribute, k=K, n_boot=N_BOOT, lambdas=())
    return audit_from_lists(_dataset, _lists, attribute, config)


@st.cache_data(max_entries=8, show_spinner=False)
def _tradeoff(path: str, item_attribute: str, _lists: AuditLists, _dataset: Dataset) -> pd.DataFrame:
    return audit_tradeoff(_dataset, _lists, AuditConfig(item_attribute=item_attribute, lambdas=LAMBDAS, k=K))


@st.cache_data(max_entries=64, show_spinner="Re-ranking every audited user's list ...")
def reranked_lorenz(path: str, reranker: str, lam: float, item_attribute: str, _lists: AuditLists,
                     _dataset: Dataset) -> tuple:
    ranked = rerank_lists(_dataset, _lists, reranker, lam, AuditConfig(item_attribute=item_attribute, k=K))
    return (*exposure_lorenz(ranked, _lists.n_items, k=K), gini(item_exposure(ranked, _lists.n_items, k=K)))


@st.cache_data(max_entries=16, show_spinner=False)
def profile(path: str, item_attribute: str, _lists: AuditLists, _dataset: Dataset) -> pd.DataFrame | None:
    column, categories = calibration_categories(_dataset, item_attribute)
    if column is None:
        return None
    names = item_groups(_dataset, column).known_names
    return calibration_profile(_lists.ranked(K), _lists.hist, categories, names, k=K)


def compute(path: str, recommender, dataset: Dataset, attribute: str, item_attribute: str,
            split: dict | None = None) -> tuple[AuditLists, AuditResult]:
    """The lists and the full audit (trade-off included), with a progress bar while it works.
    ``split``: the run's split record (``run.json``'s ``split``; ``None`` = leave-last-out).

    Raises:
        DataError: the attribute cannot be audited (one group, no test users, ...).
    """
    bar = st.progress(0.0, text=f"Scoring the whole catalogue for every audited user (top {N_CANDIDATES}) ...")
    try:
        lists = _lists(path, recommender, dataset, split)
        bar.progress(0.45, text=f"Group metrics with {N_BOOT} bootstrap resamples of the users ...")
        result = _audit(path, attribute, item_attribute, lists, dataset)
        bar.progress(0.7, text=f"Re-ranking sweep: 2 re-rankers x {len(LAMBDAS)} values of lambda ...")
        curve = _tradeoff(path, item_attribute, lists, dataset)
    finally:
        bar.empty()
    return lists, replace(result, tradeoff=curve)


def report_zip(result: AuditResult) -> bytes:
    """The audit as a ZIP: one spreadsheet-safe CSV per table, ``audit.json`` and ``settings.json``."""
    tables = {"user_groups": result.user_groups, "user_gaps": result.user_gaps, "item_groups": result.item_groups,
              "tradeoff": result.tradeoff, "per_user": result.per_user, "summary": result.summary()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in tables.items():
            archive.writestr(f"{name}.csv", safe_csv(frame))
        archive.writestr("audit.json", result.to_json())
        archive.writestr("settings.json", json.dumps(result.settings, indent=2, default=str))
    return buffer.getvalue()
