"""Every registered baseline follows the ``Baseline`` protocol and is made by its registry name."""

import inspect

import numpy as np
import pandas as pd
import pytest

from recsys.evaluate.registry import BASELINE_ORDER, BASELINES, MODEL_NAMES, make_baseline
from recsys.graph import LightGCNConfig

TRAIN = pd.DataFrame({"user_idx": [0, 0, 1, 1, 2, 2, 3], "item_idx": [0, 1, 1, 2, 2, 3, 0]})


def test_the_names_agree():
    assert set(BASELINE_ORDER) == set(BASELINES) == set(MODEL_NAMES) - {"sasrec"}


@pytest.mark.parametrize("name", [n for n in BASELINE_ORDER if n != "lightgcn"])
def test_each_baseline_fits_and_scores_by_the_protocol(name):
    text = np.random.default_rng(0).normal(size=(4, 3)) if name == "ease_text" else None
    baseline = make_baseline(name, text_vectors=text)
    assert baseline.name == name and isinstance(baseline, BASELINES[name])
    assert list(inspect.signature(baseline.fit).parameters) == ["train", "n_users", "n_items", "valid"]
    assert baseline.fit(TRAIN, 4, 4) is baseline
    scores = baseline.scores(np.array([0, 3]), TRAIN)
    assert scores.shape == (2, 4) and np.isfinite(scores).all()


def test_lightgcn_is_made_with_its_config():
    config = LightGCNConfig(epochs=3)
    baseline = make_baseline("lightgcn", config)
    assert baseline.name == "lightgcn" and baseline.config is config
    assert list(inspect.signature(baseline.fit).parameters) == ["train", "n_users", "n_items", "valid"]
