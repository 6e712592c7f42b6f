"""``python -m recsys similar`` end to end on a generated MovieLens-100k-style u.item."""

from __future__ import annotations

import argparse
import json

import pytest

from recsys.cli.text import add_similar_parser, similar_command
from recsys.errors import DataError

GENRES = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
          "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"]
MOVIES = [  # id, title, genres
    ("1", "Apollo 13 (1995)", ["Action", "Drama"]),
    ("2", "Star Wars (1977)", ["Action", "Adventure", "Romance", "Sci-Fi", "War"]),
    ("3", "Les Misérables (1995)", ["Drama", "Musical"]),
    ("4", "Babe (1995)", ["Children's", "Comedy", "Drama"]),
    ("5", "Contact (1997)", ["Drama", "Sci-Fi"]),
    ("6", "Big Night (1996)", ["Drama"]),
]


@pytest.fixture(scope="module")
def u_item(tmp_path_factory):
    """Headerless, '|'-separated, latin-1, 19 genre flags: like ml-100k/u.item."""
    lines = []
    for movie_id, title, genres in MOVIES:
        flags = "|".join("1" if g in genres else "0" for g in GENRES)
        lines.append(f"{movie_id}|{title}|01-Jan-1995||http://example.invalid/{movie_id}|{flags}")
    path = tmp_path_factory.mktemp("ml") / "u.item"
    path.write_bytes("\n".join(lines).encode("latin-1"))
    return path


def run(argv):
    parser = argparse.ArgumentParser(prog="python -m recsys")
    add_similar_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    assert args.func is similar_command
    return similar_command(args)


def test_similar_text_writes_table_and_json(u_item, tmp_path, capsys, minilm):
    out = tmp_path / "similar.json"
    code = run(["similar", "--items", str(u_item), "--text", "astronauts in a space capsule", "--k", "3",
                "--json", str(out), "--cache-dir", str(tmp_path / "cache")])
    assert code == 0
    printed = capsys.readouterr().out
    assert "rank  cosine" in printed and "all-MiniLM-L6-v2" in printed
    report = json.loads(out.read_text(encoding="utf-8"))
    results = report["results"]
    assert [r["rank"] for r in results] == [1, 2, 3] and report["encoder"]["kind"] == "transformer"
    cosines = [r["cosine"] for r in results]
    assert cosines == sorted(cosines, reverse=True)
    assert results[0]["title"] in {"Apollo 13 (1995)", "Contact (1997)", "Star Wars (1977)"}


def test_similar_item_excludes_itself_and_reads_latin1(u_item, tmp_path, capsys, minilm):
    out = tmp_path / "similar.json"
    assert run(["similar", "--items", str(u_item), "--item", "3", "--k", "5", "--json", str(out),
                "--cache-dir", str(tmp_path / "cache")]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["query"] == {"item": "3", "title": "Les Misérables (1995)"}
    assert "3" not in [r["item"] for r in report["results"]] and len(report["results"]) == 5


def test_unknown_item_is_a_data_error(u_item, tmp_path):
    with pytest.raises(DataError, match=r"Item id '42' is not in the items file 'u.item' \(6 items"):
        run(["similar", "--items", str(u_item), "--item", "42", "--cache-dir", str(tmp_path)])


def test_bad_k_is_a_data_error(u_item, tmp_path):
    with pytest.raises(DataError, match="positive whole number"):
        run(["similar", "--items", str(u_item), "--text", "space", "--k", "0", "--cache-dir", str(tmp_path)])
