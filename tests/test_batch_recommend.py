"""Top-K for every user, streamed in chunks into Parquet (library and CLI)."""

import numpy as np
import pandas as pd
import pytest

from recsys.recommend import RECS_COLUMNS, Recommender, recommend_all_users
from tests.tiny import TINY_MODEL


def test_all_users_in_chunks_match_one_call(dataset, trained, tmp_path):
    rec = Recommender(trained.model, trained.tables, TINY_MODEL.max_len, trained.sequences, TINY_MODEL.heads)
    info = recommend_all_users(rec, dataset, tmp_path / "recs.parquet", k=5, chunk=7)  # 80 users, 12 chunks
    recs = pd.read_parquet(tmp_path / "recs.parquet")
    assert tuple(recs.columns) == RECS_COLUMNS
    items, scores = rec.recommend_indices(np.arange(dataset.n_users), k=5)
    keep = items >= 0  # a user with fewer than 5 unseen items gets fewer rows, never a padding row
    assert info["users"] == dataset.n_users and info["rows"] == len(recs) == keep.sum()
    np.testing.assert_array_equal(recs["item_id"].to_numpy(), dataset.item_encoder.inverse_transform(items[keep]))
    # float32 scores from batches of different sizes: round-off, relative near 0, absolute ~1e-6
    np.testing.assert_allclose(recs["score"].to_numpy(), scores[keep], rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(recs["rank"].to_numpy(), np.tile(np.arange(1, 6), (dataset.n_users, 1))[keep])
    first = dataset.user_encoder.inverse_transform([0])[0]
    assert (recs["user_id"].iloc[:5] == first).all()


def test_no_users_writes_an_empty_file(dataset, trained, tmp_path):
    rec = Recommender(trained.model, trained.tables, TINY_MODEL.max_len, trained.sequences, TINY_MODEL.heads)
    info = recommend_all_users(rec, dataset, tmp_path / "none.parquet", users=[])
    assert info["rows"] == 0 and tuple(pd.read_parquet(tmp_path / "none.parquet").columns) == RECS_COLUMNS


def test_cli_all_users(dataset, trained, tmp_path, capsys):
    from recsys.cli import main
    from recsys.train import save_run

    run = save_run(trained, dataset, tmp_path / "run")
    out = tmp_path / "recs.parquet"
    assert main(["recommend", "--run", str(run), "--all-users", "--out", str(out), "--k", "3", "--chunk", "16"]) == 0
    assert f"for {dataset.n_users:,} users" in capsys.readouterr().out
    assert pd.read_parquet(out).groupby("user_id").size().max() == 3
    assert main(["recommend", "--run", str(run), "--all-users"]) == 2  # no --out: a clear error
    assert "--out recs.parquet" in capsys.readouterr().err
    assert main(["recommend", "--run", str(run)]) == 2  # neither --user nor --all-users


@pytest.mark.slow
def test_cli_writes_the_format_the_name_says(dataset, trained, tmp_path, capsys):
    from recsys.cli import main
    from recsys.train import save_run

    run = save_run(trained, dataset, tmp_path / "run")
    args = ["recommend", "--run", str(run), "--all-users", "--k", "3", "--chunk", "16", "--out"]
    for name in ("recs.parquet", "recs.csv", "recs.json"):
        assert main([*args, str(tmp_path / name)]) == 0
    parquet = pd.read_parquet(tmp_path / "recs.parquet")
    assert not (tmp_path / "recs.csv").read_bytes().startswith(b"PAR1")
    csv = pd.read_csv(tmp_path / "recs.csv", dtype={"user_id": str, "item_id": str})
    assert list(csv.columns) == list(RECS_COLUMNS) and len(csv) == len(parquet)
    assert csv["user_id"].tolist() == parquet["user_id"].tolist() and csv["rank"].tolist() == parquet["rank"].tolist()
    np.testing.assert_allclose(csv["score"], parquet["score"], rtol=1e-6)  # scores stay numbers
    records = pd.read_json(tmp_path / "recs.json", dtype={"user_id": str, "item_id": str})
    assert records["item_id"].tolist() == parquet["item_id"].tolist()
    capsys.readouterr()
    with pytest.raises(SystemExit):  # refused by the parser, before the run is loaded
        main([*args, str(tmp_path / "recs.txt")])
    assert "Cannot tell which format to write" in capsys.readouterr().err and not (tmp_path / "recs.txt").exists()
    user = dataset.user_encoder.classes_[0]
    assert main(["recommend", "--run", str(run), "--user", user, "--k", "2", "--out", str(tmp_path / "one.csv")]) == 0
    one = pd.read_csv(tmp_path / "one.csv", dtype=str)
    assert list(one.columns) == ["user_id", "rank", "item_id", "title", "score"] and len(one) == 2
