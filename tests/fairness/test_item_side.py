"""Item exposure, Gini, coverage and popularity bias against hand-computed cases."""

import numpy as np
import pytest
import scipy.sparse as sp

from recsys.fairness import (
    aplt,
    arp,
    catalog_coverage,
    exposure_gini,
    gini,
    group_exposure,
    item_exposure,
    pop_reo,
    pop_rsp,
    popularity_groups,
    popularity_lift,
    short_head,
)
from recsys.fairness.item_groups import membership

LOG3 = 1 / np.log2(3)
RANKED = np.array([[0, 1, -1], [1, 2, 0]])  # user 0 has only two items; -1 = empty slot
POP = np.array([50.0, 30.0, 10.0, 5.0, 5.0, 0.0])


def test_item_exposure_uniform_and_position_weighted():
    # slots: item 0 twice, item 1 twice, item 2 once, item 3 never
    assert item_exposure(RANKED, 4, k=3).tolist() == [2.0, 2.0, 1.0, 0.0]
    # weights 1/log2(rank+1): rank 1 -> 1, rank 2 -> 0.6309, rank 3 -> 0.5
    # item 0: 1 (u0, rank 1) + 0.5 (u1, rank 3); item 1: 0.6309 + 1; item 2: 0.6309
    assert item_exposure(RANKED, 4, k=3, weighting="position") == pytest.approx([1.5, 1 + LOG3, LOG3, 0.0])
    assert item_exposure(RANKED, 4, k=1).tolist() == [1.0, 1.0, 0.0, 0.0]


def test_gini_by_hand():
    # sorted x = [0, 0, 1, 3], n = 4, sum 4; (2i - n - 1) = [-3, -1, 1, 3]
    # G = (0 + 0 + 1 + 9) / (4 * 4) = 0.625
    assert gini([3, 0, 1, 0]) == pytest.approx(0.625)
    assert gini([2, 2, 2]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 5]) == pytest.approx(0.75)  # one item takes all: 1 - 1/n
    # exposures [2, 2, 1, 0]: sorted [0, 1, 2, 2], sum 5: (-3*0 - 1*1 + 1*2 + 3*2) / (4*5) = 7/20
    assert exposure_gini(RANKED, 4, k=3) == pytest.approx(0.35)


def test_catalog_coverage():
    assert catalog_coverage(RANKED, 4, k=3) == pytest.approx(3 / 4)
    assert catalog_coverage(RANKED, 4, k=1) == pytest.approx(2 / 4)


def test_group_exposure_splits_multi_valued_items_equally():
    # items: 0 [A], 1 [A, B] (half each), 2 [B], 3 no value -> unknown
    groups = membership([["A"], ["A", "B"], ["B"], []], "genres")
    assert groups.names == ["A", "B", "unknown"]
    assert groups.matrix.sum(1).tolist() == [1.0, 1.0, 1.0, 1.0]
    pop = np.array([4.0, 2.0, 2.0, 2.0])
    t = group_exposure(RANKED, groups, pop, k=3).set_index("group")
    # slots [2, 2, 1, 0] (total 5): A = 2 + 2/2 = 3 -> 0.6; B = 2/2 + 1 = 2 -> 0.4; unknown 0
    assert t["exposure_share"].tolist() == pytest.approx([0.6, 0.4, 0.0])
    # interactions [4, 2, 2, 2] (total 10): A = 4 + 1 = 5 -> 0.5; B = 1 + 2 = 3 -> 0.3; unknown 2 -> 0.2
    assert t["interaction_share"].tolist() == pytest.approx([0.5, 0.3, 0.2])
    assert t["exposure_ratio"].tolist() == pytest.approx([1.2, 0.4 / 0.3, 0.0])
    assert t["n_items"].tolist() == pytest.approx([1.5, 1.5, 1.0])
    assert t["catalog_share"].tolist() == pytest.approx([0.375, 0.375, 0.25])
    # position weights: A = 1.5 + (1 + 0.6309)/2, B = (1 + 0.6309)/2 + 0.6309, total 3.7619
    total = 1.5 + 1 + LOG3 + LOG3
    assert t.loc["A", "position_exposure_share"] == pytest.approx((1.5 + (1 + LOG3) / 2) / total)


def test_popularity_groups_by_share_of_interactions():
    # cumulative share before each item (most popular first): 0, .5, .8, .9, .95, 1.0
    # head: before < .2 -> item 0; mid: before < .8 -> item 1; tail: the rest (last 20%, and pop 0)
    g = popularity_groups(POP)
    labels = np.array(g.names)[g.matrix.argmax(1)]
    assert labels.tolist() == ["head", "mid", "tail", "tail", "tail", "tail"]


def test_short_head_takes_80_percent_of_interactions():
    # running total 50, 80, ... reaches 80% (80 of 100) with item 1 -> head = {0, 1} (as Elliot)
    assert short_head(POP).tolist() == [True, True, False, False, False, False]
    # the item that crosses the line is included: 60 + 30 > 80
    assert short_head([60, 30, 10]).tolist() == [True, True, False]


def test_arp_aplt_and_popularity_lift():
    ranked = np.array([[0, 2], [1, -1]])
    # ARP: u0 (50 + 10) / 2 = 30; u1 30 (one item) -> 30
    assert arp(ranked, POP, k=2) == pytest.approx(30.0)
    # APLT with long tail = items 2..5: u0 1/2, u1 0/1 -> 0.25
    assert aplt(ranked, ~short_head(POP), k=2) == pytest.approx(0.25)
    # histories: u0 {0, 1} -> mean pop 40; u1 {3} -> 5; ARP(history) = 22.5
    # lift = (30 - 22.5) / 22.5 = 1/3
    history = sp.csr_matrix(np.array([[1, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0]], float))
    assert popularity_lift(ranked, history, POP, k=2) == pytest.approx(1 / 3)


def test_pop_reo_and_pop_rsp_by_hand():
    head = short_head(POP)  # {0, 1}
    ranked = np.array([[0, 2], [1, 3], [0, 1]])
    # REO: u0 relevant 2 (tail) hit; u1 relevant 1 (head) hit; u2 relevant 4 (tail) missed
    # p_head = 1/1, p_tail = 1/2 -> std([1, .5]) / mean = 0.25 / 0.75 = 1/3
    assert pop_reo(ranked, np.array([2, 1, 4]), head, k=2) == pytest.approx(1 / 3)
    # RSP: slots 0,2 | 1,3 | 0,1 -> head slots 4, tail slots 2
    # histories u0 {1}, u1 {0, 4}, u2 {5}: head items not yet consumed 3*2 - 2 = 4, tail 3*4 - 2 = 10
    # p_head = 4/4 = 1, p_tail = 2/10 = 0.2 -> std 0.4 / mean 0.6 = 2/3
    history = sp.csr_matrix(np.array([[0, 1, 0, 0, 0, 0], [1, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1]], float))
    assert pop_rsp(ranked, head, history, k=2) == pytest.approx(2 / 3)
    assert np.isnan(pop_reo(ranked, np.array([2, 3, 4]), head, k=2))  # no relevant head item: undefined


def test_exposure_of_the_popularity_groups_by_hand():
    # head = item 0, mid = item 1, tail = items 2..5 (test_popularity_groups_by_share_of_interactions)
    ranked = np.array([[0, 2], [1, 3], [0, 1]])
    t = group_exposure(ranked, popularity_groups(POP), POP, k=2).set_index("group")
    assert t.index.tolist() == ["head", "mid", "tail"] and set(t["attribute"]) == {"popularity"}
    # slots: item 0 twice (head), item 1 twice (mid), items 2 and 3 once each (tail): 2 of 6 each
    assert t["exposure_share"].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    assert t["interaction_share"].tolist() == pytest.approx([0.5, 0.3, 0.2])  # 50, 30, 10 + 5 + 5 + 0 of 100
    assert t["exposure_ratio"].tolist() == pytest.approx([2 / 3, 1 / 0.9, 1 / 0.6])  # the tail is over-exposed
    assert t["n_items"].tolist() == [1.0, 1.0, 4.0] and t["catalog_share"].tolist() == pytest.approx([1 / 6, 1 / 6, 2 / 3])
    # position weights: head 1 + 1, mid 1 + LOG3, tail LOG3 + LOG3
    total = 3 + 3 * LOG3
    assert t["position_exposure_share"].tolist() == pytest.approx([2 / total, (1 + LOG3) / total, 2 * LOG3 / total])
