"""PCA whitening of text vectors: it removes the anisotropy of sentence-encoder vectors."""

import numpy as np
import pytest

from recsys.text.whitening import anisotropy, fit_whitening


def _anisotropic(n=300, t=32, seed=0):
    """Unit vectors crowded in a narrow cone: a shared direction plus small, unequal noise."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=t)
    x = 4.0 * common / np.linalg.norm(common) + rng.normal(size=(n, t)) * np.linspace(0.05, 1.0, t)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_whitening_removes_the_anisotropy():
    x = _anisotropic()
    before = anisotropy(x)
    w = fit_whitening(x)
    after = anisotropy(w.transform(x))
    assert before > 0.5
    assert abs(after) < 0.02 and after < before / 10
    z = w.transform(x)
    cov = np.cov(z, rowvar=False, bias=True) * w.dim  # identity up to the 1/sqrt(k) scale (and eps)
    np.testing.assert_allclose(cov, np.eye(w.dim), atol=0.02)
    np.testing.assert_allclose(z.mean(0), 0.0, atol=1e-5)
    assert np.mean(np.sum(z**2, axis=1)) == pytest.approx(1.0, rel=1e-2)  # the raw vectors' scale


def test_dimension_reduction_keeps_the_top_components():
    x = _anisotropic()
    w = fit_whitening(x, dim=8)
    assert w.matrix.shape == (32, 8) and w.transform(x).shape == (300, 8)
    full = fit_whitening(x)
    # the kept directions are the top principal directions of the full fit, same order
    np.testing.assert_allclose(
        np.abs(w.transform(x)) * np.sqrt(8), np.abs(full.transform(x)[:, :8]) * np.sqrt(32), rtol=1e-3, atol=1e-3
    )


def test_few_vectors_keep_only_their_rank_and_new_vectors_transform_alike():
    x = _anisotropic(n=5, t=32)
    w = fit_whitening(x, dim=16)
    assert w.dim == 4  # 5 centred points span 4 dimensions; the empty ones are not blown up
    new = _anisotropic(n=3, t=32, seed=1)
    z = w.transform(new)
    assert np.isfinite(z).all()
    np.testing.assert_allclose(z, (new - w.mean) @ w.matrix, rtol=1e-5, atol=1e-6)


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="at least 2 vectors"):
        fit_whitening(np.ones((1, 4)))
    with pytest.raises(ValueError, match="at least 1"):
        fit_whitening(np.eye(4), dim=0)
    assert np.isnan(anisotropy(np.zeros((3, 4))))
