"""``python -m recsys audit`` end to end on a tiny trained run saved to a temporary folder."""

import argparse
import json

import pandas as pd
import pytest

from recsys.cli.fairness import add_audit_parser, audit_command
from recsys.errors import DataError
from recsys.train import save_run
from tests.tiny import tiny_frames


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m recsys")
    add_audit_parser(parser.add_subparsers(dest="command", required=True))
    return parser


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, trained, dataset):
    """The session's tiny trained model (tests/conftest.py) saved as a run."""
    return save_run(trained, dataset, tmp_path_factory.mktemp("audit") / "run")


def test_audit_command_end_to_end(run_dir, tmp_path, capsys):
    users_csv = tmp_path / "users.csv"
    tiny_frames()[2].to_csv(users_csv, index=False)
    out = tmp_path / "audit.json"
    args = _parser().parse_args(["audit", "--run", str(run_dir), "--users", str(users_csv), "--attribute", "gender",
                                 "--json", str(out), "--csv", str(tmp_path / "csv"), "--n-boot", "50",
                                 "--candidates", "30", "--lambdas", "0,0.5,1"])
    assert args.func is audit_command
    assert audit_command(args) == 0
    doc = json.loads(out.read_text())
    assert list(doc) == ["user_groups", "user_gaps", "item_groups", "exposure", "popularity", "calibration", "tradeoff"]
    assert {g["group"] for g in doc["user_groups"]} <= {"F", "M", "X"}
    assert sum(g["n_users"] for g in doc["user_groups"]) == 80
    assert [r["lambda"] for r in doc["tradeoff"] if r["reranker"] == "calibrated"] == [0.0, 0.5, 1.0]
    assert all(0.0 <= r["ndcg@10"] <= 1.0 for r in doc["tradeoff"])
    printed = capsys.readouterr().out
    assert "users 'users.csv'" in printed and "user groups by 'gender'" in printed and "UserMADranking" in printed
    assert (tmp_path / "csv" / "user_groups.csv").exists()


def test_audit_uses_the_runs_own_users_and_derived_groups(run_dir, capsys):
    args = _parser().parse_args(["audit", "--run", str(run_dir), "--attribute", "mainstreamness",
                                 "--n-boot", "0", "--candidates", "20", "--lambdas", "0"])
    assert audit_command(args) == 0
    assert "user groups by 'mainstreamness'" in capsys.readouterr().out


def test_unknown_attribute_is_a_clear_error(run_dir):
    args = _parser().parse_args(["audit", "--run", str(run_dir), "--attribute", "shoe_size", "--n-boot", "0"])
    with pytest.raises(DataError, match="'shoe_size' is not available. Choose one of: gender, age_group"):
        audit_command(args)


def test_audit_csv_quotes_formula_groups(run_dir, tmp_path):
    # A users file can hold anything: group names that a spreadsheet would run reach it as text.
    users = tiny_frames()[2]
    full_width = "\uff1d1+1"  # the loader strips leading spaces, so no " =1+1" case here
    users["gender"] = users["gender"].map({"F": "=cmd|' /C calc'!A0", "M": "@evil"}).fillna(full_width)
    users_csv = tmp_path / "users.csv"
    users.to_csv(users_csv, index=False)
    args = _parser().parse_args(["audit", "--run", str(run_dir), "--users", str(users_csv), "--attribute", "gender",
                                 "--csv", str(tmp_path / "csv"), "--n-boot", "0", "--candidates", "20",
                                 "--lambdas", "0"])
    assert audit_command(args) == 0
    groups = pd.read_csv(tmp_path / "csv" / "user_groups.csv", dtype=str)["group"]
    assert set(groups) == {"'=cmd|' /C calc'!A0", "'@evil", "'\uff1d1+1"}
    per_user = pd.read_csv(tmp_path / "csv" / "per_user.csv", dtype=str)
    assert not per_user.map(lambda v: isinstance(v, str) and v[:1] in "=+-@").any().any()
    assert pd.read_csv(tmp_path / "csv" / "user_groups.csv")["n_users"].sum() == 80  # numbers stay numbers


def test_audit_output_paths_are_checked_before_the_run_is_loaded(capsys):
    with pytest.raises(SystemExit):
        _parser().parse_args(["audit", "--run", "missing", "--attribute", "gender", "--csv", "tables.csv"])
    assert "named like a .csv file, but a folder is written here" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _parser().parse_args(["audit", "--run", "missing", "--attribute", "gender", "--json", "audit.txt"])
    assert "ending in .json" in capsys.readouterr().err
