"""Output files in the format their name says, or a clear refusal before anything is written."""

import json

import pandas as pd
import pyarrow as pa
import pytest

from recsys.errors import RecLensError
from recsys.output.files import TableWriter, write_table
from recsys.output.paths import json_file, out_folder, table_format

FRAME = pd.DataFrame({"user_id": ["u1", "=evil"], "rank": [1, 2], "score": [-0.5, 0.25]})


@pytest.mark.parametrize("name, kind", [("a.csv", "csv"), ("a.CSV", "csv"), ("a.parquet", "parquet"),
                                        ("a.pq", "parquet"), ("a.json", "json")])
def test_table_format_by_extension(name, kind):
    assert table_format(name) == kind


@pytest.mark.parametrize("name", ["recs.txt", "recs", "recs.xlsx", "recs.csv.gz"])
def test_unknown_extensions_are_refused(name, tmp_path):
    with pytest.raises(RecLensError, match="Cannot tell which format"):
        TableWriter(tmp_path / name)
    assert not (tmp_path / name).exists()


def test_csv_is_text_and_formula_safe(tmp_path):
    path = write_table(FRAME, tmp_path / "recs.csv")
    assert not path.read_bytes().startswith(b"PAR1")
    assert path.read_text().splitlines() == ["user_id,rank,score", "u1,1,-0.5", "'=evil,2,0.25"]


def test_parquet_and_json_round_trip(tmp_path):
    pd.testing.assert_frame_equal(pd.read_parquet(write_table(FRAME, tmp_path / "r.pq")), FRAME)
    assert json.loads(write_table(FRAME, tmp_path / "r.json").read_text()) == FRAME.to_dict(orient="records")


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_chunks_append_and_an_empty_output_is_a_valid_empty_file(tmp_path, suffix):
    with TableWriter(tmp_path / f"r{suffix}") as writer:
        writer.write(FRAME.iloc[:1])
        writer.write(pa.Table.from_pandas(FRAME.iloc[1:], preserve_index=False))
    read = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".json": pd.read_json}[suffix]
    back = read(tmp_path / f"r{suffix}")
    assert back["user_id"].tolist() == (["u1", "'=evil"] if suffix == ".csv" else ["u1", "=evil"])
    assert writer.rows == 2
    schema = pa.schema([("user_id", pa.string()), ("score", pa.float32())])
    with TableWriter(tmp_path / f"empty{suffix}", schema=schema):
        pass
    if suffix == ".json":
        assert json.loads((tmp_path / "empty.json").read_text()) == []
    else:
        assert list(read(tmp_path / f"empty{suffix}").columns) == ["user_id", "score"]


def test_json_and_folder_paths(tmp_path):
    assert json_file("m.json").name == "m.json"
    with pytest.raises(RecLensError, match="ending in .json"):
        json_file("m.csv")
    assert out_folder(tmp_path / "audit") == tmp_path / "audit"
    with pytest.raises(RecLensError, match="named like a .csv file"):
        out_folder(tmp_path / "audit.csv")
    (tmp_path / "file").write_text("x")
    with pytest.raises(RecLensError, match="is an existing file"):
        out_folder(tmp_path / "file")
