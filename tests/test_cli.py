"""The command line end to end on a small generated file."""

import json

import pytest

from recsys.cli import main
from tests.tiny import tiny_frames

SMALL = ["--epochs", "1", "--dim", "16", "--max-len", "10", "--blocks", "1", "--batch-size", "32"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    inter, items, users = tiny_frames()
    inter.to_csv(d / "ratings.tsv", sep="\t", index=False, header=False)  # headerless TSV, MovieLens style
    items.to_csv(d / "items.csv", index=False)
    users.to_csv(d / "users.csv", index=False)
    return d


def test_stats_prints_the_report_and_statistics(files, capsys):
    assert main(["stats", str(files / "ratings.tsv")]) == 0
    out = capsys.readouterr().out
    assert "delimiter detected: tab" in out and "interactions per user" in out and "users" in out


def test_stats_reads_ambiguous_dates_as_told(tmp_path, capsys):
    path = tmp_path / "dates.csv"
    path.write_text("user,item,date\n" + "".join(f"u{k % 2},i{k},0{1 + k % 9}/0{1 + k % 7}/2021\n" for k in range(8)))
    assert main(["stats", str(path)]) == 0
    assert "could be day or month first and no value decides; read month first" in capsys.readouterr().out
    assert main(["stats", str(path), "--dayfirst"]) == 0
    assert "'date': dates such as '01/01/2021' read day first (DataConfig.dayfirst)" in capsys.readouterr().out


def test_evaluate_writes_metrics_json(files, tmp_path, capsys):
    out_json = tmp_path / "metrics.json"
    code = main(
        [
            "evaluate",
            "--interactions",
            str(files / "ratings.tsv"),
            "--items",
            str(files / "items.csv"),
            "--models",
            "sasrec,ease,itemknn,pop",
            "--json",
            str(out_json),
            *SMALL,
        ]
    )
    assert code == 0
    report = json.loads(out_json.read_text())
    assert set(report) == {"protocol", "dataset", "models"}
    assert report["dataset"]["users"] == 80
    assert set(report["models"]) == {"sasrec", "ease", "itemknn", "pop"}
    for model in report["models"].values():
        assert {"valid", "test", "fit_seconds"} <= set(model)
        assert 0.0 <= model["test"]["ndcg@10"] <= 1.0 and "hr@10" in model["test"] and "mrr" in model["test"]
    assert "ndcg@10" in capsys.readouterr().out


def test_train_then_recommend(files, tmp_path, capsys):
    run = tmp_path / "run"
    assert (
        main(
            [
                "train",
                "--interactions",
                str(files / "ratings.tsv"),
                "--items",
                str(files / "items.csv"),
                "--users",
                str(files / "users.csv"),
                "--out",
                str(run),
                *SMALL,
            ]
        )
        == 0
    )
    assert (run / "model.keras").exists() and (run / "run.json").exists()
    capsys.readouterr()
    assert main(["recommend", "--run", str(run), "--user", "3", "--k", "5"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:3] == ["rank", "item_id", "title"] and len(lines) == 6
    out_json = tmp_path / "explain.json"
    assert main(["explain", "--run", str(run), "--user", "3", "--rank", "2", "--json", str(out_json)]) == 0
    d = json.loads(out_json.read_text())
    assert set(d) >= {
        "user",
        "item",
        "score",
        "base_value",
        "history",
        "side_features",
        "counterfactual",
        "faithfulness",
        "reason",
        "timings_ms",
    }
    assert d["item"]["rank"] == 2 and {"item_id", "title", "shap", "attention"} <= set(d["history"][0])
    assert sum(h["shap"] for h in d["history"]) + d["base_value"] == pytest.approx(d["score"], abs=1e-4)
    assert "counterfactual" in capsys.readouterr().out
    audit_json = tmp_path / "audit.json"
    assert main(["audit", "--run", str(run), "--attribute", "age_group", "--n-boot", "20", "--json", str(audit_json)]) == 0
    audit = json.loads(audit_json.read_text())
    assert {"user_groups", "user_gaps", "item_groups", "exposure", "popularity", "calibration", "tradeoff"} <= set(audit)


def test_unknown_user_is_a_clear_error(files, tmp_path, capsys):
    run = tmp_path / "run"
    main(["train", "--interactions", str(files / "ratings.tsv"), "--out", str(run), *SMALL])
    capsys.readouterr()
    assert main(["recommend", "--run", str(run), "--user", "no-such-user"]) == 2
    assert "not in this dataset" in capsys.readouterr().err


def test_bad_file_is_a_clear_error(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["stats", str(empty)]) == 2
    assert "is empty" in capsys.readouterr().err


def test_demo_data_is_byte_for_byte_reproducible(tmp_path):
    from pathlib import Path

    assert main(["demo-data", "--out", str(tmp_path)]) == 0
    for name in ("interactions.csv", "items.csv", "users.csv"):
        assert (tmp_path / name).read_bytes() == (Path("assets/demo") / name).read_bytes(), name
