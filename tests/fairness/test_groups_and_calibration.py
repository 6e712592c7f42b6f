"""User groups (categorical, numeric quantiles, activity, mainstreamness) and Steck's calibration."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recsys.data.side import UserTable
from recsys.errors import DataError
from recsys.fairness import (
    FairnessMsg,
    activity,
    calibration_kl,
    category_distribution,
    history_matrix,
    item_groups,
    item_popularity,
    kl_divergence,
    list_distribution,
    mainstreamness,
    miscalibration,
    quantile_groups,
    user_groups,
)
from tests.tiny import tiny_dataset


def test_quantile_groups_by_hand():
    # 8 values in quartiles: {1,2} {3,4} {5,6} {7,8}; NaN -> unknown
    labels = quantile_groups([1, 2, 3, 4, 5, 6, 7, 8, np.nan], 4)
    assert labels.tolist() == ["Q1 [1, 2]"] * 2 + ["Q2 [3, 4]"] * 2 + ["Q3 [5, 6]"] * 2 + ["Q4 [7, 8]"] * 2 + ["unknown"]
    # ties never straddle buckets: four 1s share the first half
    assert quantile_groups([1, 1, 1, 1, 2, 3], 2).tolist() == ["Q1 [1, 1]"] * 4 + ["Q2 [2, 3]"] * 2


HISTORY = pd.DataFrame({"user_idx": [0, 0, 0, 1, 2, 2], "item_idx": [0, 1, 1, 0, 0, 2]})


def test_activity_popularity_and_mainstreamness_by_hand():
    # interactions per user (repeats count): u0 3, u1 1, u2 2
    assert activity(HISTORY, [0, 1, 2]).tolist() == [3.0, 1.0, 2.0]
    # distinct users per item: item 0 by 3, item 1 by 1, item 2 by 1, item 3 by none
    pop = item_popularity(HISTORY, 4)
    assert pop.tolist() == [3.0, 1.0, 1.0, 0.0]
    # percentile ranks: item 3 -> 1/4, items 1, 2 -> mean rank 2.5 -> 0.625, item 0 -> 1
    # mainstreamness u0 {0, 1} = (1 + .625)/2 = .8125; u1 {0} = 1; u2 {0, 2} = .8125
    hist = history_matrix(HISTORY, [0, 1, 2], 4)
    assert hist.toarray().tolist() == [[1, 1, 0, 0], [1, 0, 0, 0], [1, 0, 1, 0]]
    assert mainstreamness(hist, pop).tolist() == pytest.approx([0.8125, 1.0, 0.8125])


def test_user_groups_on_the_tiny_dataset():
    ds = tiny_dataset()
    users = np.arange(10)
    g = user_groups(ds, "gender", users, ds.interactions)
    raw = ds.user_encoder.inverse_transform(users)
    assert g.name == "gender" and g.index.tolist() == list(raw)
    assert g.tolist() == ds.users.frame.loc[raw, "gender"].tolist()
    act = user_groups(ds, "activity", users, ds.interactions, n_bins=2)
    assert set(act) <= {lab for lab in act if lab.startswith("Q")}
    assert user_groups(ds, "mainstreamness", users, ds.interactions).str.startswith("Q").all()
    # a numeric attribute is bucketed; users missing from the table read as unknown
    table = UserTable(pd.DataFrame({"age": [20.0, 30.0, 40.0, 50.0]}, index=pd.Index(raw[:4], name="user")),
                      ds.users.schema.__class__(id="user", categorical=(), numeric=("age",)))
    age = user_groups(ds, "age", users[:5], ds.interactions, n_bins=2, table=table)
    assert age.tolist() == ["Q1 [20, 30]", "Q1 [20, 30]", "Q2 [40, 50]", "Q2 [40, 50]", "unknown"]
    with pytest.raises(DataError) as err:
        user_groups(ds, "shoe_size", users, ds.interactions)
    assert str(err.value) == FairnessMsg.UNKNOWN_USER_ATTRIBUTE.format(
        attribute="shoe_size", choices="gender, age_group, country, activity, mainstreamness")


def test_item_groups_on_the_tiny_dataset():
    ds = tiny_dataset()
    genres = item_groups(ds, "genres")
    assert genres.matrix.shape == (ds.n_items, len(genres.names))
    assert genres.matrix.sum(1) == pytest.approx(np.ones(ds.n_items))
    provider = item_groups(ds, "provider")
    assert set(np.unique(provider.matrix)) <= {0.0, 1.0}
    with pytest.raises(DataError, match="not available"):
        item_groups(ds, "colour")


def test_kl_divergence_by_hand():
    # p = [.5, .5, 0], q = [1, 0, 0], alpha .01 -> q~ = .99 q + .01 p = [.995, .005, 0]
    # KL = .5 ln(.5/.995) + .5 ln(.5/.005) = .5 (-0.688135) + .5 (4.605170) = 1.958518
    assert kl_divergence([0.5, 0.5, 0.0], [1.0, 0.0, 0.0], alpha=0.01) == pytest.approx(1.958518, abs=1e-6)
    assert kl_divergence([0.2, 0.8], [0.2, 0.8]) == pytest.approx(0.0)
    assert np.isnan(kl_divergence([0.0, 0.0], [1.0, 0.0]))  # no category to calibrate to


def test_calibration_kl_by_hand():
    # items: 0 [A], 1 [B], 2 [A, B] (half each); history {0, 1} -> p = [.5, .5]
    # list [0, 2] -> q = ([1, 0] + [.5, .5]) / 2 = [.75, .25]; q~ = .99 q + .01 p = [.7475, .2525]
    # KL = .5 ln(.5/.7475) + .5 ln(.5/.2525) = .5 (-0.402126) + .5 (0.683197) = 0.140536
    cats = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    history = sp.csr_matrix(np.array([[1.0, 1.0, 0.0]]))
    ranked = np.array([[0, 2]])
    assert category_distribution(history, cats).tolist() == [[0.5, 0.5]]
    assert list_distribution(ranked, cats, k=2).tolist() == [[0.75, 0.25]]
    expected = 0.5 * np.log(0.5 / 0.7475) + 0.5 * np.log(0.5 / 0.2525)
    assert calibration_kl(ranked, history, cats, k=2) == pytest.approx([expected])
    assert expected == pytest.approx(0.140536, abs=1e-6)
    assert miscalibration(ranked, history, cats, k=2) == pytest.approx(expected)
