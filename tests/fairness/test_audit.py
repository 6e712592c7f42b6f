"""audit(...): the structured result, its JSON/CSV export, and the planted group on the demo data."""

import json
from dataclasses import replace

import numpy as np
import pytest

from recsys.data import leave_last_out, load_dataset, random_leave_one_out
from recsys.data.split import split_record
from recsys.errors import DataError
from recsys.evaluate import EASE, MostPopular
from recsys.fairness import (
    AUDIT_PROTOCOL,
    JSON_KEYS,
    AuditConfig,
    FairnessMsg,
    audit,
    audit_protocol,
    audit_scorer,
    default_item_attribute,
)
from recsys.train import load_run, save_run
from tests.tiny import tiny_dataset

TINY = AuditConfig(n_boot=50, n_candidates=30, lambdas=(0.0, 0.5, 1.0))


@pytest.fixture(scope="module")
def tiny():
    ds = tiny_dataset()
    split = leave_last_out(ds.interactions)
    scorer = MostPopular().fit(split.train, ds.n_users, ds.n_items, split.valid)
    return ds, split, scorer


@pytest.fixture(scope="module")
def result(tiny):
    ds, split, scorer = tiny
    return audit_scorer(ds, scorer, "age_group", TINY, split=split)


def test_json_has_exactly_the_required_keys(result, tmp_path):
    doc = json.loads(result.to_json(tmp_path / "audit.json"))
    assert tuple(doc) == JSON_KEYS == ("user_groups", "user_gaps", "item_groups", "exposure", "popularity",
                                       "calibration", "tradeoff")
    assert json.loads((tmp_path / "audit.json").read_text()) == doc
    group = doc["user_groups"][0]
    for metric in ("hr@10", "ndcg@10", "recall@10", "coverage@10"):
        assert {metric, f"{metric}_ci_low", f"{metric}_ci_high"} <= set(group)
    assert {"group", "n_users", "small_group"} <= set(group)
    assert {"gini", "coverage"} <= set(doc["exposure"])
    assert {"arp", "aplt", "pop_reo", "pop_rsp"} <= set(doc["popularity"])
    assert "kl_mean" in doc["calibration"]
    rows = doc["tradeoff"]
    assert {r["reranker"] for r in rows} == {"calibrated", "exposure"}
    for r in rows:
        assert {"reranker", "lambda", "ndcg@10", r["target"]} <= set(r)
    assert {"metric", "measure", "group", "value", "ci_low", "ci_high"} == set(doc["user_gaps"][0])
    measures = {r["measure"] for r in doc["user_gaps"]}
    assert {"UserMADranking", "MRED", "difference", "ratio", "gap_to_rest"} <= measures


def test_tables_are_consistent(tiny, result):
    ds, split, _ = tiny
    ug = result.user_groups
    assert ug["n_users"].sum() == split.test["user_idx"].nunique() == len(result.per_user)
    assert set(ug["group"]) == set(ds.users.frame["age_group"])
    assert ug["small_group"].all()  # 80 users split over five age groups: every group under 30
    items = result.item_groups
    assert set(items["attribute"]) == {"genres", "popularity"}
    for _, part in items.groupby("attribute"):
        assert part["exposure_share"].sum() == pytest.approx(1.0)
        assert part["interaction_share"].sum() == pytest.approx(1.0)
    assert 0 <= result.exposure["gini"] <= 1 and 0 < result.exposure["coverage"] <= 1
    assert result.settings["item_attribute"] == default_item_attribute(ds) == "genres"
    # MostPopular recommends more popular items than users consume: a positive popularity lift
    assert result.popularity["arp"] > result.popularity["history_arp"] and result.popularity["popularity_lift"] > 0
    per_user_ndcg = result.per_user.groupby("group")["ndcg@10"].mean()
    assert ug.set_index("group")["ndcg@10"].to_numpy() == pytest.approx(per_user_ndcg.to_numpy())


def test_csv_export(result, tmp_path):
    paths = result.to_csv(tmp_path / "csv")
    assert {p.name for p in paths} == {"user_groups.csv", "user_gaps.csv", "item_groups.csv", "tradeoff.csv",
                                       "per_user.csv", "summary.csv", "settings.json"}
    assert all(p.stat().st_size > 0 for p in paths)


def test_derived_and_unknown_attributes(tiny):
    ds, split, scorer = tiny
    res = audit_scorer(ds, scorer, "activity", replace(TINY, item_attribute="provider", n_bins=2), split=split)
    assert res.user_groups["group"].str.startswith("Q").all() and len(res.user_groups) == 2
    assert set(res.item_groups["attribute"]) == {"provider", "popularity"}
    with pytest.raises(DataError) as err:
        audit_scorer(ds, scorer, "age_group", replace(TINY, item_attribute="colour"), split=split)
    assert str(err.value).startswith(FairnessMsg.UNKNOWN_ITEM_ATTRIBUTE.split("{")[0] + "colour")


def test_interactions_only_dataset():
    """No users or items file: derived user groups, popularity item groups, no calibration."""
    ds = load_dataset(tiny_dataset().interactions[["user", "item", "rating", "timestamp"]])
    split = leave_last_out(ds.interactions)
    scorer = MostPopular().fit(split.train, ds.n_users, ds.n_items, split.valid)
    res = audit_scorer(ds, scorer, "mainstreamness", TINY, split=split)
    assert res.settings["item_attribute"] == "popularity" and set(res.item_groups["group"]) == {"head", "mid", "tail"}
    assert res.calibration["kl_mean"] is None and set(res.tradeoff["reranker"]) == {"exposure"}
    assert "kl_mean" in json.loads(res.to_json())["calibration"]


@pytest.fixture(scope="module")
def demo_audit():
    ds = load_dataset("assets/demo/interactions.csv", "assets/demo/items.csv", "assets/demo/users.csv")
    split = leave_last_out(ds.interactions)
    scorer = EASE(lambdas=(500.0,)).fit(split.train, ds.n_users, ds.n_items, split.valid)
    return audit_scorer(ds, scorer, "age_group", AuditConfig(n_boot=500, seed=0), split=split)


@pytest.mark.slow
def test_demo_planted_group_is_detected(demo_audit):
    """assets/demo/README.md plants an under-served group, age 55+; its NDCG@10 gap to the other
    users is larger than the bootstrap interval (the whole interval lies below 0)."""
    under = demo_audit.under_served()
    assert under["group"].tolist() == ["55+"]
    gaps = demo_audit.user_gaps.set_index(["metric", "measure", "group"])
    assert gaps.loc[("ndcg@10", "gap_to_rest", "55+"), "ci_high"] < 0
    assert gaps.loc[("ndcg@10", "UserMADranking", ""), "ci_low"] > 0


def test_demo_rerankers_are_monotone_in_lambda(demo_audit):
    t = demo_audit.tradeoff
    kl = t[t.reranker == "calibrated"]["kl_mean"].to_numpy()
    tail = t[t.reranker == "exposure"]["aplt"].to_numpy()
    assert (np.diff(kl) < 0).all() and (np.diff(tail) > 0).all()
    drop = t.groupby("reranker")["ndcg_drop"].last()
    assert drop["calibrated"] > 0.01 and drop["exposure"] >= 0  # accuracy paid for calibration, reported


def test_the_audit_uses_and_names_the_split_it_is_given(tiny, result):
    ds, _, scorer = tiny
    assert result.settings["protocol"] == AUDIT_PROTOCOL and AUDIT_PROTOCOL.startswith("leave-last-out per user")
    split = random_leave_one_out(ds.interactions, seed=3)
    res = audit_scorer(ds, scorer, "age_group", TINY, split=split)
    assert res.settings["protocol"] == audit_protocol(split)
    assert res.settings["protocol"].startswith("random leave-one-out per user")
    # the audited test items are the random split's, not the last ones
    held = dict(zip(split.test["user_idx"], split.test["item_idx"]))
    users = ds.user_encoder.transform(res.per_user["user"].astype(str))
    items = ds.item_encoder.transform(res.per_user["test_item"].astype(str))
    assert all(held[u] == i for u, i in zip(users, items))


def test_auditing_a_saved_run_rebuilds_its_split(dataset, trained, tmp_path):
    split = random_leave_one_out(dataset.interactions, seed=5)
    path = save_run(replace(trained, split=split_record(split)), dataset, tmp_path / "run")
    res = audit(load_run(path), "age_group", TINY)
    assert res.settings["protocol"].startswith("random leave-one-out per user")
    assert res.settings["users"] == split.test["user_idx"].nunique()
    held = dict(zip(split.test["user_idx"], split.test["item_idx"]))
    users = dataset.user_encoder.transform(res.per_user["user"].astype(str))
    items = dataset.item_encoder.transform(res.per_user["test_item"].astype(str))
    assert all(held[u] == i for u, i in zip(users, items))
