import numpy as np
import pytest

from recsys.train.sampling import column_log_q, target_frequencies


def test_column_log_q_by_hand():
    # two targets drawn with frequencies (0.5, 0.25, 0.25) plus one uniform column out of three:
    # P(column 0 in the set) = 1 - 0.5^2 * (2/3), P(column 2) = 1 - 0.75^2 * (2/3)
    freq = np.array([0.5, 0.25, 0.25])
    expected = np.log([1 - 0.25 * 2 / 3, 1 - 0.5625 * 2 / 3])
    np.testing.assert_allclose(column_log_q(freq, 2, 1)[[0, 2]], expected)


def test_a_column_that_is_never_drawn_keeps_a_finite_correction():
    out = column_log_q(np.array([1.0, 0.0]), 10, 0)
    assert np.isfinite(out).all()


def test_target_frequencies_count_real_targets_per_catalogue_column():
    catalogue = np.array([2, 5, 9])
    targets = np.array([[0, 2, 5], [5, 5, 9]])  # 0 = no target
    np.testing.assert_allclose(target_frequencies(targets, catalogue), [0.2, 0.6, 0.2])
    assert target_frequencies(np.zeros((1, 3), int), catalogue).sum() == pytest.approx(0.0)
