"""A run folder is data, never code: planted pickles and serialized Python are refused, nothing runs."""

from __future__ import annotations

import json
import pickle
import shutil

import keras
import numpy as np
import pytest

from recsys.cli import main
from recsys.errors import RecLensError
from recsys.graph import load_graph_vectors
from recsys.train import load_run, save_run
from recsys.train.run import OLD_FORMAT


class Payload:
    """Unpickling this creates the file ``marker``: the proof that a pickle ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


@pytest.fixture(scope="module")
def saved(tmp_path_factory, dataset, trained):
    return save_run(trained, dataset, tmp_path_factory.mktemp("safe") / "run", data_key="k")


@pytest.fixture
def run_dir(saved, tmp_path):
    return shutil.copytree(saved, tmp_path / "run")


def _plant_npz(path, marker, keys=("user_ids", "user_tokens", "user_fields", "feature_names", "numeric_names")):
    payload = np.empty(1, dtype=object)
    payload[0] = Payload(marker)
    np.savez(path, allow_pickle=True, n_items=np.int64(3), **{k: payload for k in keys})


def test_a_saved_run_holds_no_pickles(saved):
    names = json.loads((saved / "tables.json").read_text())
    assert names["format"] == 2 and names["user_tokens"][0] == "<unknown>"
    for npz in saved.glob("*.npz"):
        with np.load(npz, allow_pickle=False) as arrays:
            assert all(arrays[k].dtype != object for k in arrays.files)  # reading every array needs no pickle
    assert json.loads((saved / "run.json").read_text())["info"]["data_key"] == "k"


def test_a_planted_pickle_in_tables_npz_is_refused_and_runs_nothing(run_dir, tmp_path):
    marker = tmp_path / "pwned"
    _plant_npz(run_dir / "tables.npz", marker)
    with pytest.raises(RecLensError, match="could run code"):
        load_run(run_dir)
    assert not marker.exists()


def test_a_raw_pickle_named_tables_npz_is_refused(run_dir, tmp_path):
    marker = tmp_path / "pwned"
    (run_dir / "tables.npz").write_bytes(pickle.dumps(Payload(marker)))
    with pytest.raises(RecLensError, match="could run code"):
        load_run(run_dir)
    assert not marker.exists()


def test_recommend_from_a_planted_run_is_a_clear_error_and_runs_nothing(run_dir, tmp_path, capsys):
    marker = tmp_path / "pwned"
    _plant_npz(run_dir / "tables.npz", marker)
    assert main(["recommend", "--run", str(run_dir), "--user", "3"]) == 2
    assert "could run code" in capsys.readouterr().err
    assert not marker.exists()


def test_a_run_in_the_old_pickled_format_is_refused_with_retrain(run_dir, tmp_path):
    # Before tables.json, names were object arrays in tables.npz; those are never unpickled.
    (run_dir / "tables.json").unlink()
    strings = np.array(["<unknown>", "age=18-24"], dtype=object)
    np.savez(run_dir / "tables.npz", allow_pickle=True, user_ids=np.zeros((3, 1), np.int64), user_tokens=strings,
             user_fields=strings, feature_names=strings, numeric_names=strings, n_items=np.int64(3))
    with pytest.raises(RecLensError) as err:
        load_run(run_dir)
    assert str(err.value) == OLD_FORMAT.format(path=run_dir)
    assert "Train the model again" in str(err.value)


def test_serialized_python_in_model_keras_is_refused_by_safe_mode(run_dir, tmp_path):
    marker = tmp_path / "pwned"
    inputs = keras.Input((2,))
    code = f"lambda x: (open({str(marker)!r}, 'w').close(), x)[1]"
    outputs = keras.layers.Lambda(eval(code))(inputs)  # noqa: S307 - the attacker's layer, built here
    keras.Model(inputs, outputs).save(run_dir / "model.keras")
    marker.unlink()  # building the model called the lambda once; loading must not
    with pytest.raises(RecLensError, match="could run code"):
        load_run(run_dir)
    assert not marker.exists()


def test_a_damaged_run_is_a_clear_error(run_dir):
    (run_dir / "schemas.json").write_text('{"items": null}')
    with pytest.raises(RecLensError, match="damaged or was edited by hand"):
        load_run(run_dir)


def test_planted_graph_vectors_are_refused(run_dir, tmp_path):
    marker = tmp_path / "pwned"
    _plant_npz(run_dir / "graph.npz", marker, keys=("user_vectors", "item_vectors", "best_epoch", "epochs"))
    with pytest.raises(RecLensError, match="were not loaded"):
        load_graph_vectors(run_dir)
    assert not marker.exists()
