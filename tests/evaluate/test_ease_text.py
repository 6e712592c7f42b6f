"""``ease_text``: the two closed forms against direct solves, the zero diagonal, cold items, the
validation grid, and the experiment skipping it without text vectors."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recsys.data.split import leave_last_out
from recsys.evaluate.ease import GramEigen
from recsys.evaluate.ease_text import NO_TEXT, EASEText, RegularisedEASE, text_weights
from recsys.evaluate.experiment import run_experiment
from recsys.ranking import top_k


def _direct(x: np.ndarray, prior: np.ndarray, lam: float) -> np.ndarray:
    """argmin ||X - XB||^2 + lam ||B - S||^2 with diag(B) = 0, one column at a time (B_jj fixed at 0)."""
    n = x.shape[1]
    g, b = x.T @ x, np.zeros((n, n))
    for j in range(n):
        rest = [i for i in range(n) if i != j]
        b[rest, j] = np.linalg.solve(g[np.ix_(rest, rest)] + lam * np.eye(n - 1), g[rest, j] + lam * prior[rest, j])
    return b


def _interactions(n_users: int, n_items: int, cold: int, seed: int = 0) -> np.ndarray:
    x = (np.random.default_rng(seed).random((n_users, n_items)) < 0.4).astype(float)
    x[:, cold] = 0.0
    return x


def test_text_weights_are_text_ease_with_a_zero_diagonal():
    e = np.random.default_rng(1).normal(size=(9, 4))
    en = e / np.linalg.norm(e, axis=1, keepdims=True)
    p = np.linalg.inv(en @ en.T + 2.0 * np.eye(9))
    expected = np.eye(9) - p / np.diag(p)[None, :]
    np.fill_diagonal(expected, 0.0)
    s = text_weights(e, 2.0)
    np.testing.assert_allclose(s, expected, atol=1e-8)
    assert np.all(np.diag(s) == 0)


@pytest.mark.parametrize(("n_users", "n_items"), [(12, 7), (5, 9)])  # primal and dual (Woodbury) eigen forms
@pytest.mark.parametrize("lam", [0.7, 5.0])
def test_closed_form_matches_the_direct_solve(n_users, n_items, lam):
    x = _interactions(n_users, n_items, cold=2)
    prior = text_weights(np.random.default_rng(2).normal(size=(n_items, 4)), 1.0)
    solver = RegularisedEASE.fit(GramEigen.fit(sp.csr_matrix(x)), prior)
    b = solver.weights(lam)
    np.testing.assert_allclose(b, _direct(x, prior, lam), atol=1e-6)
    assert np.abs(np.diag(b)).max() < 1e-9
    np.testing.assert_allclose(solver.scores(x[:3], lam), x[:3] @ b, atol=1e-5)


def test_a_zero_prior_is_ease():
    x = _interactions(10, 6, cold=0)
    eigen = GramEigen.fit(sp.csr_matrix(x))
    np.testing.assert_allclose(RegularisedEASE.fit(eigen, np.zeros((6, 6))).weights(3.0), eigen.weights(3.0), atol=1e-6)


def _pairs(x: np.ndarray) -> pd.DataFrame:
    users, items = np.nonzero(x)
    return pd.DataFrame({"user_idx": users, "item_idx": items})


def test_cold_items_are_ranked_through_the_text_prior():
    # items 0-2 and 3-5 are two text clusters; item 5 has no interactions
    e = np.repeat(np.eye(2), 3, axis=0) + 0.01 * np.random.default_rng(3).normal(size=(6, 2))
    x = np.array([[1, 1, 0, 0, 0, 0], [0, 1, 1, 0, 0, 0], [1, 0, 1, 0, 0, 0], [0, 0, 0, 1, 1, 0], [0, 0, 0, 1, 1, 0]], float)
    model = EASEText(e, alphas=(1.0,), l2s=(0.0,), mus=(0.1,)).fit(_pairs(x), 5, 6)
    np.testing.assert_allclose(np.diag(model.weights_), 0.0, atol=1e-9)
    scores = model.scores(np.array([3]), _pairs(x))  # user 3 holds items 3 and 4
    assert scores[0, 5] > 0 and scores[0, 5] > scores[0, :3].max()
    ranked, _ = top_k(scores, 1, [np.array([3, 4])])
    assert ranked[0, 0] == 5  # the never-clicked item of the user's text cluster comes first


def test_fit_needs_text_vectors_of_every_item():
    train = _pairs(_interactions(4, 3, cold=0))
    with pytest.raises(ValueError, match="text vectors"):
        EASEText().fit(train, 4, 3)
    with pytest.raises(ValueError, match="2 text vectors for 3 items"):
        EASEText(np.ones((2, 4))).fit(train, 4, 3)


def test_an_l2_term_is_a_scaled_prior():
    x = _interactions(10, 6, cold=1)
    prior = text_weights(np.random.default_rng(4).normal(size=(6, 3)), 1.0)
    l2, alpha = 2.0, 3.0  # ||X - XB||^2 + l2 ||B||^2 + alpha ||B - S||^2, column by column
    g, n = x.T @ x, 6
    direct = np.zeros((n, n))
    for j in range(n):
        rest = [i for i in range(n) if i != j]
        lhs = g[np.ix_(rest, rest)] + (l2 + alpha) * np.eye(n - 1)
        direct[rest, j] = np.linalg.solve(lhs, g[rest, j] + alpha * prior[rest, j])
    model = EASEText(np.random.default_rng(4).normal(size=(6, 3)), alphas=(alpha,), l2s=(l2,), mus=(1.0,))
    np.testing.assert_allclose(model.fit(_pairs(x), 10, 6).weights_, direct, atol=1e-6)


def test_validation_chooses_mu_alpha_and_l2(dataset, split):
    vectors = np.random.default_rng(0).normal(size=(dataset.n_items, 8))
    model = EASEText(vectors, alphas=(10.0, 100.0), l2s=(0.0, 50.0), mus=(1.0, 10.0))
    model.fit(split.train, dataset.n_users, dataset.n_items, split.valid)
    assert len(model.validation_) == 8 and (10.0, 100.0, 50.0) in model.validation_
    assert model.validation_[(model.mu_, model.alpha_, model.l2_)] == max(model.validation_.values())
    assert model.lambda_ == model.alpha_ + model.l2_


def test_the_experiment_skips_ease_text_without_text_vectors(dataset):
    events = []
    split = leave_last_out(dataset.interactions)
    exp = run_experiment(dataset, ("ease", "ease_text"), split=split, progress=events.append)
    assert exp.notes == {"ease_text": NO_TEXT} and set(exp.table["model"]) == {"ease"}
    assert {"stage": "model", "model": "ease_text", "status": "skipped", "seconds": 0.0, "note": NO_TEXT} in events
    vectors = np.random.default_rng(0).normal(size=(dataset.n_items, 8)).astype(np.float32)
    exp = run_experiment(dataset, ("ease_text",), split=split, text_vectors=vectors)
    assert exp.notes == {} and set(exp.table["model"]) == {"ease_text"} and "ease_text" in exp.fit_seconds
