"""Data without timestamps whose rows are sorted by user, then item id (issue 23): the load report
names the problem, the auto split holds out random interactions, and the Transformer, trained as a
set model, ranks the held-out items far better than MostPopular. End to end through the CLI."""

from __future__ import annotations

import json

import pytest

from recsys.cli import main
from recsys.data import load_dataset
from recsys.data.demo import generate_demo

pytestmark = pytest.mark.slow  # trains the Transformer twice (about 30 s)

SMALL = [
    "--epochs",
    "15",
    "--patience",
    "15",
    "--batch-size",
    "64",
    "--lr",
    "5e-3",
    "--max-len",
    "20",
    "--dim",
    "32",
    "--heads",
    "2",
    "--blocks",
    "1",
    "--no-target-attention",
    "--seed",
    "0",
]


@pytest.fixture(scope="module")
def sorted_file(tmp_path_factory):
    """The demo generator at a small size, the time column dropped, rows sorted by user then item id."""
    inter, _, _ = generate_demo(n_users=200, n_items=100, mean_length=25, seed=1)
    rows = inter.drop(columns="timestamp").sort_values(["user_id", "item_id"], kind="stable")
    path = tmp_path_factory.mktemp("unordered") / "plays.csv"
    rows.to_csv(path, index=False)
    return path


def _evaluate(path, out, *extra) -> dict:
    assert (
        main(["evaluate", "--interactions", str(path), "--models", "sasrec,pop", "--json", str(out), *SMALL, *extra])
        == 0
    )
    return json.loads(out.read_text())


def test_sorted_file_gets_a_random_split_and_a_set_model_that_beats_popularity(sorted_file, tmp_path, capsys):
    report = load_dataset(sorted_file).reports["interactions"]
    assert report.time_order == "sorted by item id"
    assert any(
        "rows are sorted by item id within each user" in w and "file order is not time order" in w
        for w in report.warnings
    )

    auto = _evaluate(sorted_file, tmp_path / "auto.json")
    printed = capsys.readouterr()
    assert "warning: rows are sorted by item id within each user" in printed.err
    assert "split: auto chose the random leave-one-out split" in printed.out
    assert "protocol: random leave-one-out per user" in printed.out
    assert auto["protocol"]["strategy"] == "random_leave_one_out"
    assert "chosen by the auto split setting" in auto["protocol"]["split"]
    assert "shuffled every epoch" in auto["protocol"]["training"]
    sasrec, pop = auto["models"]["sasrec"]["valid"]["ndcg@10"], auto["models"]["pop"]["valid"]["ndcg@10"]
    assert sasrec > 1.5 * pop, (sasrec, pop)
    assert auto["models"]["sasrec"]["test"]["ndcg@10"] > 1.5 * auto["models"]["pop"]["test"]["ndcg@10"]

    # The time split asked for on the same file holds out each user's highest item ids, which a model of
    # the sorted order learns to guess (its numbers measure the sort, not taste): the output says so.
    timed = _evaluate(sorted_file, tmp_path / "time.json", "--split", "time")
    assert "split: the time split was asked for" in capsys.readouterr().out
    assert timed["protocol"]["strategy"] == "leave_last_out" and "training" not in timed["protocol"]
