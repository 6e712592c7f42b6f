"""The cold-item protocol: the split keeps cold items out of training, the per-group metrics are
right on a hand-made example, the content references score as documented, the CLI runs."""

import json

import numpy as np
import pandas as pd
import pytest

from recsys.cli import main
from recsys.data.split import Split
from recsys.errors import DataError
from recsys.evaluate.cold import ColdSplit, cold_cases, cold_item_split, cold_tables, evaluate_cold
from recsys.evaluate.cold_run import NO_CATEGORIES, cold_json, run_cold_experiment
from recsys.evaluate.content import CategoryPopularity, TextKNN, TextProfile
from tests.tiny import text_vectors, tiny_frames

L2 = np.log2


def _frame(pairs) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["user_idx", "item_idx"]).astype(np.int64)


def test_split_keeps_cold_items_out_of_training_and_halves_them(dataset):
    inter = dataset.interactions
    s = cold_item_split(inter, share=0.2, seed=3)
    n_items = inter["item_idx"].nunique()
    assert len(s.cold_items) == round(0.2 * n_items)
    assert len(np.intersect1d(s.valid_items, s.test_items)) == 0
    assert abs(len(s.valid_items) - len(s.test_items)) <= 1
    for part in (s.warm.train, s.warm.valid, s.warm.test):
        assert not part["item_idx"].isin(s.cold_items).any()
    # every interaction with a cold item is a cold validation or cold test interaction, nothing is lost
    assert set(s.cold_valid["item_idx"]) <= set(s.valid_items) and set(s.cold_test["item_idx"]) <= set(s.test_items)
    assert len(s.cold_valid) + len(s.cold_test) == inter["item_idx"].isin(s.cold_items).sum()
    assert len(s.warm.train) + len(s.warm.valid) + len(s.warm.test) + len(s.cold_valid) + len(s.cold_test) == len(inter)
    # warm items keep leave-last-out: one validation and one test interaction per eligible user
    assert s.warm.test["user_idx"].is_unique and s.warm.valid["user_idx"].is_unique
    again = cold_item_split(inter, share=0.2, seed=3)
    assert np.array_equal(again.test_items, s.test_items)
    assert not np.array_equal(cold_item_split(inter, share=0.2, seed=4).cold_items, s.cold_items)


@pytest.mark.parametrize("share", [0.0, 1.0, 0.001])
def test_split_refuses_a_share_that_leaves_no_cold_or_no_warm_items(dataset, share):
    with pytest.raises(DataError, match="share|fraction"):
        cold_item_split(dataset.interactions, share=share)


class Fixed:
    """Scores from a fixed ``[n_users, N]`` matrix."""

    def __init__(self, scores):
        self.s = np.asarray(scores, dtype=float)

    def scores(self, user_idx, history):
        return self.s[np.asarray(user_idx)]


@pytest.fixture
def hand_split() -> ColdSplit:
    """6 items: 3 is a validation cold item, 4 and 5 test cold items. User 3 has no warm history."""
    warm = Split(_frame([(0, 0), (0, 1), (1, 1), (2, 0)]), _frame([(1, 0)]), _frame([(0, 2), (1, 2)]), "leave_last_out")
    return ColdSplit(warm, _frame([(0, 3)]), _frame([(0, 4), (0, 5), (2, 5), (3, 4)]), np.array([3]), np.array([4, 5]))


HAND_SCORES = [[9, 8, 1, 7, 3, 2], [0, 0, 5, 3, 2, 1], [0, 1, 0.5, 0.4, 0.2, 0.3], [0] * 6]


def test_cases_group_the_test_interactions_per_user(hand_split):
    cases = cold_cases(hand_split)
    assert cases.users.tolist() == [0, 1, 2]  # user 3 has no warm history: no input, left out
    assert cases.members["warm"].tolist() == [True, True, False]
    assert cases.members["cold"].tolist() == [True, False, True]
    assert [r.tolist() for r in cases.relevant["all"]] == [[2, 4, 5], [2], [5]]
    assert cases.candidates.tolist() == [4, 5]


def test_metrics_per_group_on_a_hand_made_example(hand_split):
    table = evaluate_cold(hand_split, {"m": Fixed(HAND_SCORES)})
    got = {(g, m): v for g, m, v in table[["group", "metric", "value"]].itertuples(index=False)}
    # user 0 ranks [3, 4, 5, 2] (0 and 1 are its history); user 1 [2, 3, 4, 5]; user 2 [1, 2, 3, 5, 4]
    u0_cold = (1 / L2(3) + 1 / L2(4)) / (1 + 1 / L2(3))
    u0_all = (1 / L2(3) + 1 / L2(4) + 1 / L2(5)) / (1 + 1 / L2(3) + 1 / L2(4))
    expected = {
        ("warm", "ndcg@10"): (1 / L2(5) + 1) / 2,
        ("cold", "ndcg@10"): (u0_cold + 1 / L2(5)) / 2,
        ("cold among cold", "ndcg@10"): 1.0,  # user 0 ranks [4, 5], user 2 [5, 4]
        ("all", "ndcg@10"): (u0_all + 1 + 1 / L2(5)) / 3,
    }
    for key, value in expected.items():
        assert got[key] == pytest.approx(value)
    assert got[("cold", "hr@10")] == 1.0 and got[("cold", "recall@20")] == 1.0
    users = table.groupby("group")["users"].first()
    assert users.to_dict() == {"all": 3, "warm": 2, "cold": 2, "cold among cold": 2}
    short = evaluate_cold(hand_split, {"m": Fixed(HAND_SCORES)}, metrics=("hr@2", "recall@2"))
    cold = short[short["group"] == "cold"].set_index("metric")["value"]
    assert cold["hr@2"] == 0.5 and cold["recall@2"] == 0.25  # user 0 finds 4 of {4, 5}, user 2 nothing
    ranked = evaluate_cold(hand_split, {"m": Fixed(HAND_SCORES)}, metrics=("hr@6",))
    assert ranked.loc[ranked["group"] == "cold", "value"].item() == 1.0  # every cold test item is ranked
    assert set(cold_tables(table)) == {"all", "warm", "cold", "cold among cold"}


def test_ties_break_at_random_the_same_way_for_every_model():
    # 40 cold test items, each user's relevant one is the lowest index: ties by index would score 1.0
    n_users, items = 30, np.arange(10, 50)
    train = _frame([(u, u % 10) for u in range(n_users)] + [(u, (u + 1) % 10) for u in range(n_users)])
    warm = Split(train, _frame([(u, (u + 2) % 10) for u in range(n_users)]), _frame([]), "leave_last_out")
    split = ColdSplit(warm, _frame([(0, 10)]), _frame([(u, 10) for u in range(n_users)]), np.array([9]), items)
    flat = np.zeros((n_users, 50))
    table = evaluate_cold(split, {"a": Fixed(flat), "b": Fixed(flat + 1.0)})
    among = table[(table["group"] == "cold among cold") & (table["metric"] == "ndcg@10")].set_index("model")["value"]
    assert among["a"] == among["b"] < 0.5


def test_validation_cases_use_train_history_and_validation_cold_items(hand_split):
    table = evaluate_cold(hand_split, {"m": Fixed(HAND_SCORES)}, parts=("valid",))
    among = table[(table["group"] == "cold among cold") & (table["metric"] == "ndcg@10")]
    assert among["users"].item() == 1 and among["value"].item() == 1.0  # user 0, only item 3 ranked


def test_content_references_score_as_documented():
    v = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, -0.2]])
    hist = _frame([(0, 0), (0, 1)])
    profile = TextProfile(v).scores([0], hist)[0]
    assert np.argmax(profile) == 2 and profile[2] == pytest.approx(1.0)  # [1, 1] is the mean direction
    knn = TextKNN(v).scores([0], hist)[0]
    assert knn[2] == pytest.approx(1 / np.sqrt(2)) and knn[3] == pytest.approx(1 / np.sqrt(1.04))
    cats = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])  # items 0, 1 in A; 2, 3 in B
    pop = CategoryPopularity(cats, eps=0.0).fit(_frame([(0, 0), (1, 0), (2, 1), (0, 2)]), 3, 4)
    assert pop.pop_.tolist() == [1.5, 1.0]  # A: 3 interactions over 2 warm items; B: 1 over 1 (item 3 is cold)
    s = pop.scores([0], _frame([(0, 2)]))[0]
    assert s[3] == s[2] == 1.0 and s[0] == 0.0  # a B fan: the cold B item scores like the warm one


def test_run_scores_cold_items_from_text_and_notes_what_it_cannot_run(dataset):
    vectors = text_vectors(dataset.n_items)
    exp = run_cold_experiment(dataset, ("text_knn", "ease", "category_pop"), text_vectors=vectors, seed=1)
    assert set(exp.table["model"]) == {"text_knn", "ease", "category_pop"}
    report = cold_json(exp, dataset)
    assert report["split"]["cold_test_items"] == len(exp.split.test_items)
    knn = report["models"]["text_knn"]["test"]
    assert set(knn) == {"all", "warm", "cold", "cold among cold"} and knn["cold"]["users"] > 0
    assert 0.0 < knn["cold among cold"]["ndcg@10"] <= 1.0
    without = run_cold_experiment(dataset, ("text_profile", "pop"), split=exp.split)
    assert "text_profile" in without.notes and set(without.table["model"]) == {"pop"}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cold")
    inter, items, _ = tiny_frames()
    inter.to_csv(d / "inter.csv", index=False)
    items.to_csv(d / "items.csv", index=False)
    items[["item_id", "title"]].to_csv(d / "titles.csv", index=False)
    return d


def test_cli_cold_items_prints_each_group_and_writes_json(files, tmp_path, capsys):
    out = tmp_path / "cold.json"
    args = ["evaluate", "--interactions", str(files / "inter.csv"), "--cold-items", "0.2", "--no-text"]
    assert (
        main([*args, "--items", str(files / "items.csv"), "--models", "ease,category_pop,text_knn", "--json", str(out)])
        == 0
    )
    printed = capsys.readouterr().out
    for group in ("all (", "warm (", "cold (", "cold among cold ("):
        assert group in printed
    assert "text_knn needs item text vectors" in printed
    report = json.loads(out.read_text())
    assert report["protocol"]["share"] == 0.2 and set(report["models"]) == {"ease", "category_pop"}
    assert main([*args, "--items", str(files / "titles.csv"), "--models", "pop,category_pop"]) == 0
    assert NO_CATEGORIES in capsys.readouterr().out


@pytest.mark.slow
def test_cli_cold_items_trains_the_transformer_on_the_warm_part(files, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RECLENS_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "cold.json"
    small = ["--epochs", "1", "--dim", "16", "--max-len", "10", "--blocks", "1", "--batch-size", "32"]
    assert (
        main(
            [
                "evaluate",
                "--interactions",
                str(files / "inter.csv"),
                "--items",
                str(files / "items.csv"),
                "--cold-items",
                "0.2",
                "--models",
                "sasrec,text_profile,ease_text",
                "--json",
                str(out),
                *small,
            ]
        )
        == 0
    )
    report = json.loads(out.read_text())
    assert set(report["models"]) == {"sasrec", "text_profile", "ease_text"}
    sasrec = report["models"]["sasrec"]
    assert sasrec["best_epoch"] >= 1 and 0.0 <= sasrec["test"]["cold"]["ndcg@10"] <= 1.0
    assert sasrec["test"]["cold among cold"]["ndcg@10"] > 0.0  # text ranks cold items among themselves
