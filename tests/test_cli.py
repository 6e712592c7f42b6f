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


@pytest.mark.slow
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
        test = model["test"]  # one test item per user: precision@10 = HR@10 / 10, F1@10 = 2 HR@10 / 11
        assert test["precision@10"] == pytest.approx(test["hr@10"] / 10, abs=1e-6)
        assert test["f1@10"] == pytest.approx(2 * test["hr@10"] / 11, abs=1e-6)
    printed = capsys.readouterr().out
    assert "ndcg@10" in printed and "precision@10" in printed and "f1@10" in printed


def test_evaluate_ease_text_with_text_vectors_and_its_note_without(files, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RECLENS_CACHE_DIR", str(tmp_path / "cache"))  # the encoder's vectors stay in tmp
    data = ["--interactions", str(files / "ratings.tsv"), "--items", str(files / "items.csv")]
    out_json = tmp_path / "metrics.json"
    assert main(["evaluate", *data, "--models", "ease,ease_text", "--json", str(out_json)]) == 0
    report = json.loads(out_json.read_text())
    assert set(report["models"]) == {"ease", "ease_text"}
    assert 0.0 <= report["models"]["ease_text"]["test"]["ndcg@10"] <= 1.0
    assert "ease_text" in capsys.readouterr().out
    assert main(["evaluate", *data, "--no-text", "--models", "ease,ease_text"]) == 0
    from recsys.evaluate.ease_text import NO_TEXT

    out = capsys.readouterr().out
    assert NO_TEXT in out and "text vectors:" not in out


def test_evaluate_prints_and_records_why_ease_was_skipped(files, tmp_path, capsys, monkeypatch):
    import recsys.evaluate.memory as memory

    monkeypatch.setattr(memory, "available_bytes", lambda: 1024)  # a machine with no memory to spare
    out_json = tmp_path / "metrics.json"
    args = ["evaluate", "--interactions", str(files / "ratings.tsv"), "--models", "ease,pop", "--json", str(out_json)]
    assert main(args) == 0
    report = json.loads(out_json.read_text())
    assert set(report["models"]) == {"pop"} and report["skipped"]["ease"].startswith("EASE was skipped: it needs")
    assert report["skipped"]["ease"] in capsys.readouterr().out


@pytest.mark.slow
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
                "--item-types",
                "provider=ignore",
                "--out",
                str(run),
                *SMALL,
            ]
        )
        == 0
    )
    assert (run / "model.keras").exists() and (run / "run.json").exists()
    schemas = json.loads((run / "schemas.json").read_text())
    assert schemas["columns"] == {"items": {"names": [], "types": {"provider": "ignore"}, "flags": {}, "encoding": None}}
    assert schemas["items"]["ignored"]["provider"] == "type set to ignore"
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


@pytest.mark.slow
def test_unknown_user_is_a_clear_error(files, tmp_path, capsys):
    run = tmp_path / "run"
    main(["train", "--interactions", str(files / "ratings.tsv"), "--out", str(run), *SMALL])
    capsys.readouterr()
    assert main(["recommend", "--run", str(run), "--user", "no-such-user"]) == 2
    assert "not in this dataset" in capsys.readouterr().err


def _headerless_side_files(d):
    """MovieLens-100K-shaped files: u.data, u.item with 3 genre flags (the first 'unknown'), u.user with zips."""
    (d / "u.data").write_text("".join(f"{u}\t{i}\t{1 + (u + i) % 5}\t{880000000 + 100 * (10 * u + i)}\n"
                                      for u in range(1, 7) for i in range(1, 6)))
    flags = ["0|1|0", "0|0|1", "0|1|1", "1|0|0", "0|0|1"]
    (d / "u.item").write_bytes("".join(f"{i}|Caf\u00e9 {i} (1995)|01-Jan-1995|{flags[i - 1]}\n"
                                       for i in range(1, 6)).encode("latin-1"))
    (d / "u.user").write_text("".join(f"{u}|{20 + u}|{'MF'[u % 2]}|other|0{u}002\n" for u in range(1, 7)))
    return d


def test_stats_names_the_columns_of_headerless_side_files(tmp_path, capsys):
    d = _headerless_side_files(tmp_path)
    (d / "columns.json").write_text(json.dumps({"users": {"names": ["id", "age", "gender", "occupation", "zip"]}}))
    code = main(["stats", str(d / "u.data"), "--items", str(d / "u.item"), "--users", str(d / "u.user"),
                 "--item-names", "id,title,released,genres[unknown|Drama|Comedy]", "--item-encoding", "latin-1",
                 "--columns-json", str(d / "columns.json"), "--user-types", "zip=categorical"])
    assert code == 0
    out = capsys.readouterr().out
    assert "'genres': 3 0/1 columns read as one category, a value per column (unknown, Drama, Comedy)" in out
    assert "'genres': 'unknown' read as no value, not a category (1 row)" in out
    assert "columns named by you: column_1 = 'id', column_2 = 'age', column_3 = 'gender'" in out
    assert "types set by you: 'zip' categorical" in out
    side = out.split("items 'u.item'")[1].split("statistic")[0].splitlines()
    assert [ln for ln in side if "column_" in ln and "named by you" not in ln] == []


def test_a_side_file_of_other_data_is_warned_about(tmp_path, capsys):
    d = _headerless_side_files(tmp_path)
    (d / "few.item").write_text("1|One\n77|Other\n78|Other\n")
    assert main(["evaluate", "--interactions", str(d / "u.data"), "--items", str(d / "few.item"), "--models", "pop"]) == 0
    err = capsys.readouterr().err
    from recsys.errors import Msg

    assert f"warning: {Msg.FEW_SIDE_IDS_MATCH.format(share=0.2, kind='item', hit=1, total=5, name='few.item')}" in err


def test_the_data_pages_choices_print_as_flags_that_give_them_back():
    import shlex

    from recsys.cli.data import spec_flags
    from recsys.data.spec import ColumnSpec

    spec = ColumnSpec.from_options(names="id,title,,genres[unknown|Children's|Sci-Fi]", types="released=ignore",
                                   encoding="latin-1")
    flags = spec_flags(spec, "items")
    assert flags == ("--item-names \"id,title,,genres[unknown|Children's|Sci-Fi]\" --item-types released=ignore "
                     "--item-encoding latin-1")
    args = shlex.split(flags)
    assert ColumnSpec.from_options(names=args[1], types=args[3], encoding=args[5]) == spec


def test_a_broken_columns_file_is_a_clear_error(tmp_path, capsys):
    d = _headerless_side_files(tmp_path)
    (d / "columns.json").write_text("{not json")
    assert main(["stats", str(d / "u.data"), "--users", str(d / "u.user"), "--columns-json", str(d / "columns.json")]) == 2
    assert f"error: Could not read the column mapping '{d / 'columns.json'}'" in capsys.readouterr().err


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


def test_stats_shows_control_characters_instead_of_sending_them(tmp_path, capsys):
    # A column name and a set-aside line that would retitle and clear the terminal.
    rows = ["u1,i1,5", "u1,i2,4", "u1,i3,3", "u2,i1,5", "u2,i2,2", "u2,i3,1", "u3,i2,3", "u3,i3,4", "u3,i4,4"]
    hostile = "user,item,rating\x1b]0;PWNED\x07\n" + "\n".join(rows) + "\nu3,i1,1,\x1b]0;PWNED\x07\x1b[2J,x\n"
    (tmp_path / "hostile.csv").write_text(hostile)
    assert main(["stats", str(tmp_path / "hostile.csv")]) == 0
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert not any(c in shown for c in "\x1b\x07\x9b")
    assert "rating\\x1b]0;PWNED\\x07" in shown


def test_errors_that_quote_a_file_are_escaped_too(tmp_path, capsys):
    (tmp_path / "ids.csv").write_text("user,item\n" + "\n".join(f"u{i % 3},\x1b[2Ji{i}" for i in range(12)) + "\n")
    main(["stats", str(tmp_path / "ids.csv"), "--user-col", "nope\x1b[2J"])
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "\x1b" not in err and "nope\\x1b[2J" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["recommend", "--run", "r", "--all-users", "--out", "recs.txt"], "Cannot tell which format to write"),
        (["recommend", "--run", "r", "--user", "1", "--out", "recs"], "Cannot tell which format to write"),
        (["evaluate", "--interactions", "x.csv", "--json", "metrics.csv"], "ending in .json"),
        (["explain", "--run", "r", "--user", "1", "--json", "e.txt"], "ending in .json"),
        (["explain-global", "--run", "r", "--json", "g.parquet"], "ending in .json"),
        (["similar", "--items", "i.csv", "--text", "x", "--json", "s.csv"], "ending in .json"),
        (["train", "--interactions", "x.csv", "--out", "run.csv"], "named like a .csv file"),
        (["demo-data", "--out", "demo.zip"], "named like a .zip file"),
    ],
)
def test_every_output_path_is_checked_before_any_work(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2 and message in capsys.readouterr().err
