"""The app's helpers without a page: safe downloads, text in figures, leaderboard, run matching,
the training job, what-if recommendations, layer tables, counterfactual sentences."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from recsys.data import load_dataset
from recsys.explain import maps
from recsys.explain.counterfactual import Counterfactual
from recsys.model.features import from_model_ids
from recsys.recommend import Recommender
from recsys.train import list_runs, load_run
from recsys.ui import charts
from recsys.ui.session.runs import BUNDLED_ENV, UNVERIFIED, WORKSPACE_ENV, run_label, runs_for
from recsys.ui.session.training import TINY_ENV, TrainJob, TrainSettings, _new_run_dir
from recsys.ui.views.explain_view import counterfactual_sentence
from recsys.ui.views.export import neutralise, safe_csv, safe_frame
from recsys.ui.views.model_view import layer_table
from recsys.ui.views.recommend_view import compare, from_description, history_frame, recommendations, what_if
from recsys.ui.views.text import md_escape
from recsys.ui.views.train_view import leaderboard, skipped_markdown, styled_leaderboard
from tests.tiny import tiny_dataset
from tests.ui.trained import Trained, app_env

# ---------------------------------------------------------------- downloads


@pytest.mark.parametrize(
    "cell, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Plain title", "Plain title"),
        ("a=b", "a=b"),  # only the first character matters
        (-0.5, -0.5),  # numbers are not formulas
    ],
)
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


def test_safe_csv_quotes_text_cells_and_keeps_numbers():
    frame = pd.DataFrame({"title": ["=cmd|' /C calc'!A0", "Fine"], "score": [-1.25, 2.0], "=col": ["x", "@y"]})
    text = safe_csv(frame).decode()
    lines = text.splitlines()
    assert lines[0] == "title,score,'=col"
    assert lines[1] == "'=cmd|' /C calc'!A0,-1.25,x"
    assert lines[2] == "Fine,2.0,'@y"
    assert frame["title"][0].startswith("=")  # the caller's frame is untouched
    assert safe_frame(frame)["score"].dtype == float


# ---------------------------------------------------------------- figures


def test_titles_in_figures_are_text_not_html():
    assert charts.plain("<b>Top</b> & <a href='x'>") == "&lt;b&gt;Top&lt;/b&gt; &amp; &lt;a href='x'&gt;"
    fig = charts.shap_bar_figure([0.5, -0.2], ["<b>Bold</b>", "<i>x</i>"], "t")
    assert list(fig.data[0].y) == ["&lt;b&gt;Bold&lt;/b&gt;", "&lt;i&gt;x&lt;/i&gt;"]


def test_unique_labels_keep_equal_titles_apart():
    assert charts.unique_labels(["A", "B", "A", "A"]) == ["A", "B", "A (2)", "A (3)"]


def test_waterfall_adds_up_to_the_score():
    # base 1.0 + 0.5 - 0.25 + (rest: 0.125) = 1.375
    fig = charts.waterfall_figure([0.5, -0.25, 0.125], ["a", "b", "c"], 1.0, "t", top=2)
    bar = fig.data[0]
    assert list(bar.y) == ["base value", "a", "b", "1 others", "score"]
    assert list(bar.measure) == ["absolute", "relative", "relative", "relative", "total"]
    assert bar.text[-1] == "1.375"


# ---------------------------------------------------------------- leaderboard and runs


METRICS = {
    "models": {
        "sasrec": {
            "test": {"ndcg@10": 0.10, "hr@10": 0.2, "recall@20": 0.3, "mrr": 0.05, "coverage@10": 0.4},
            "fit_seconds": 12.0,
        },
        "pop": {
            "test": {"ndcg@10": 0.02, "hr@10": 0.05, "recall@20": 0.08, "mrr": 0.01, "coverage@10": 0.01},
            "fit_seconds": 0.0,
        },
        "ease": {
            "test": {"ndcg@10": 0.08, "hr@10": 0.15, "recall@20": 0.2, "mrr": 0.04, "coverage@10": 0.3},
            "fit_seconds": 3.0,
        },
    }
}


def test_leaderboard_orders_models_by_ndcg():
    board = leaderboard(METRICS)
    assert list(board["model"]) == ["Transformer (this run)", "EASE", "MostPopular"]
    assert list(board.columns) == ["model", "NDCG@10", "HR@10", "Precision@10", "F1@10", "Recall@20", "MRR",
                                   "Coverage@10", "fit seconds"]
    assert board.loc[0, "fit seconds"] == 12.0


def test_leaderboard_shows_precision_and_f1_and_a_dash_for_old_runs():
    new = {"models": {"sasrec": {"test": {"ndcg@10": 0.1, "hr@10": 0.22, "precision@10": 0.022, "f1@10": 0.04}}}}
    board = leaderboard(new)
    assert board.loc[0, "Precision@10"] == 0.022 and board.loc[0, "F1@10"] == 0.04
    old = leaderboard(METRICS)  # saved before precision and F1 were measured
    assert old["Precision@10"].isna().all() and old["F1@10"].isna().all()
    shown = styled_leaderboard(old).to_html()
    assert ">–<" in shown and ">0.1000<" in shown


def test_leaderboard_notes_the_models_that_were_skipped():
    assert skipped_markdown(METRICS) is None  # runs saved before skip notes were recorded
    note = "EASE was skipped: it needs about 9.0 GB of memory for 40,000 users and 50,000 items."
    skipped = {"ease": note, "ease_text": "ease_text needs item text vectors"}
    shown = skipped_markdown(METRICS | {"skipped": skipped})
    assert shown == f"- {md_escape(note)}\n- ease\\_text needs item text vectors"  # escaped: shown as written


def _fake_run(folder, name, created, info, counts=None):
    folder.mkdir(parents=True)
    dataset = {"name": name} | (counts or {})
    record = {"created": created, "dataset": dataset, "metrics": METRICS, "info": info, "curve": []}
    (folder / "run.json").write_text(json.dumps(record))


def test_runs_are_matched_to_the_data_by_fingerprint(tmp_path):
    _fake_run(tmp_path / "a", "ratings.csv", "2026-01-01 10:00:00", {"data_key": "mine"})
    _fake_run(tmp_path / "b", "ratings.csv", "2026-01-02 10:00:00", {"data_key": "someone else's"})
    _fake_run(tmp_path / "c", "ratings.csv", "2026-01-03 10:00:00", {})  # no fingerprint: never for an upload
    _fake_run(tmp_path / "d", "other.csv", "2026-01-04 10:00:00", {"data_key": "mine"})  # same files, renamed run
    found = runs_for("mine", tmp_path)
    assert [r["path"] for r in found] == [str(tmp_path / "d"), str(tmp_path / "a")]  # newest first
    assert run_label(found[1]) == "2026-01-01 10:00:00 · ratings.csv · test NDCG@10 0.100"


def test_runs_without_a_fingerprint_are_listed_only_for_the_demo_data_as_unverified(tmp_path):
    demo = {"users": 5, "items": 7, "interactions": 40}
    _fake_run(tmp_path / "a", "demo data", "2026-01-01 10:00:00", {}, counts=demo)
    _fake_run(tmp_path / "b", "interactions.csv", "2026-01-02 10:00:00", {}, counts=demo)  # the CLI's name
    _fake_run(tmp_path / "c", "demo data", "2026-01-03 10:00:00", {}, counts=demo | {"users": 6})  # other data
    _fake_run(tmp_path / "d", "private.csv", "2026-01-04 10:00:00", {}, counts=demo)
    assert runs_for("demo-key", tmp_path) == []  # an upload never sees them
    found = runs_for("demo-key", tmp_path, demo=demo)
    assert [r["path"] for r in found] == [str(tmp_path / "b"), str(tmp_path / "a")]
    assert all(r["unverified"] for r in found)
    assert run_label(found[1]) == f"2026-01-01 10:00:00 · demo data · test NDCG@10 0.100 · {UNVERIFIED}"


def test_new_run_folders_never_overwrite(tmp_path):
    first = _new_run_dir(tmp_path, "My data/2024.csv")
    first.mkdir()
    second = _new_run_dir(tmp_path, "My data/2024.csv")
    assert first != second and first.name.endswith("my-data-2024-csv")


# ---------------------------------------------------------------- the training job


def test_job_progress_fraction_and_label():
    job = TrainJob(TrainSettings(epochs=2), "d", workspace=None, data_key="k")
    assert job.fraction == 0.0
    job.progress({"stage": "batch", "batch": 5, "batches": 10, "epoch": 2, "epochs": 2, "loss": 1.0})
    assert job.fraction == pytest.approx(0.75) and job.batches == [(1.5, 1.0)]
    assert job.label().startswith("Epoch 2 of at most 2, batch 5 of 10")


@pytest.mark.slow
def test_cancel_after_an_epoch_keeps_and_saves_the_best_weights(tmp_path):
    # The page's cancel button sets the event; here it is set once the first epoch is validated.
    settings = TrainSettings(dim=8, blocks=1, heads=1, max_len=8, epochs=20, use_text=False, batch_size=32)
    job = TrainJob(settings, "tiny", workspace=tmp_path, data_key="k", cancel=threading.Event())
    record = job.progress

    def progress(event):
        record(event)
        if event["stage"] == "epoch":
            job.cancel.set()

    job.progress = progress
    job._run(tiny_dataset())  # synchronously
    assert job.status == "cancelled", job.error
    # Keras finishes (and validates) the epoch in which the event was seen, then stops.
    assert len(job.epochs) <= 2 and job.run_path is not None
    saved = json.loads((tmp_path / job.run_path / "run.json").read_text())
    assert saved["cancelled"] and saved["best_epoch"] in (1, 2)


def test_the_shared_runs_environment_ends_with_its_training(tmp_path, monkeypatch):
    monkeypatch.setenv(WORKSPACE_ENV, "elsewhere")
    monkeypatch.delenv(TINY_ENV, raising=False)
    before = dict(os.environ)
    with app_env(tmp_path):
        assert (os.environ[WORKSPACE_ENV], os.environ[BUNDLED_ENV], os.environ[TINY_ENV]) == (str(tmp_path), "0", "1")
    assert dict(os.environ) == before


# ---------------------------------------------------------------- recommend, model and explain helpers


@pytest.fixture(scope="module")
def demo(app_run: Trained):
    run = load_run(list_runs(app_run.workspace)[0]["path"])
    return run, Recommender.from_run(run)


def test_history_frame_is_the_users_interactions_in_time_order(demo):
    run, _ = demo
    user = run.dataset.user_encoder.to_list()[3]
    u = int(run.dataset.user_encoder.transform([user])[0])
    history = history_frame(run.dataset, u, max_len=20)
    rows = run.dataset.interactions.query("user_idx == @u")
    assert len(history) == len(rows) and history["when"].is_monotonic_increasing
    assert history["in_window"].sum() == min(20, len(rows)) and history["in_window"].iloc[-1]
    assert history["category"].notna().all()


def test_history_frame_shows_weights_where_the_values_are_counts():
    dataset = load_dataset(Path(__file__).parents[1] / "data" / "plays.tsv")  # user 3: 7, 1830, 2, 45 plays
    u = int(dataset.user_encoder.transform(["3"])[0])
    history = history_frame(dataset, u, max_len=20)
    assert "rating" not in history and history["weight"].tolist() == [7.0, 1830.0, 2.0, 45.0]
    assert history["label"].tolist() == [
        "item 1 · weight 7", "item 2 · weight 1,830", "item 3 · weight 2", "item 4 · weight 45",
    ]


def test_what_if_without_edits_is_the_recommendation(demo):
    run, rec = demo
    dataset = run.dataset
    user = dataset.user_encoder.to_list()[0]
    u = int(dataset.user_encoder.transform([user])[0])
    top = recommendations(rec, dataset, user, 10)
    same = what_if(rec, dataset, u, [], [], 10)
    assert list(same["item_id"]) == list(top["item_id"])
    np.testing.assert_allclose(same["score"], top["score"], rtol=1e-5)
    assert set(compare(top, same)["change"]) == {"="}

    history = from_model_ids(rec.sequences[u])
    edited = what_if(rec, dataset, u, remove=history[-3:], add=[], k=10)
    added = int(dataset.item_encoder.transform([top["item_id"][0]])[0])
    with_top = what_if(rec, dataset, u, remove=[], add=[added], k=10)
    assert top["item_id"][0] not in set(with_top["item_id"])  # an added item is in the history now
    assert not np.allclose(edited["score"], top["score"])
    assert what_if(rec, dataset, u, remove=history, add=[], k=10) is None  # nothing left


def test_a_description_seeds_the_history_of_a_new_user(demo):
    run, rec = demo
    dataset = run.dataset
    vectors = np.random.default_rng(0).normal(size=(dataset.n_items, 8)).astype(np.float32)
    encoder = SimpleNamespace(encode=lambda texts: vectors[[7]] + 0.01)  # a description closest to item 7
    matches, recommended = from_description(rec, dataset, SimpleNamespace(vectors=vectors, encoder=encoder),
                                            "anything", k=10, seeds=3)
    assert list(matches["rank"]) == [1, 2, 3] and matches["item_id"][0] == dataset.item_encoder.to_list()[7]
    assert matches["similarity"][0] > 0.99 and matches["similarity"].is_monotonic_decreasing
    assert list(recommended["rank"]) == list(range(1, 11)) and recommended["score"].is_monotonic_decreasing
    assert not set(recommended["item_id"]) & set(matches["item_id"])  # the seeds are the history


def test_compare_marks_moves_and_new_items():
    before = pd.DataFrame({"item_id": ["a", "b", "c"], "rank": [1, 2, 3]})
    after = pd.DataFrame({"item_id": ["b", "a", "d"], "rank": [1, 2, 3]})
    assert list(compare(before, after)["change"]) == ["▲ 1", "▼ 1", "new"]


def test_layer_table_covers_every_parameter(demo):
    run, rec = demo
    table = layer_table(run.model)
    assert table["parameters"].sum() == run.model.count_params()
    stages = dict(zip(table["layer"], table["stage"]))
    assert stages["item_embedding"] == "embedding" and stages["self_attention_0"] == "interaction"
    assert stages["scores"] == "output" and stages["history"] == "input"
    shapes = dict(zip(table["layer"], table["output shape"]))
    assert shapes["history_embedding"].startswith("[batch, ") and shapes["history_embedding"].endswith(
        f", {run.model_config.dim}]"
    )
    for kind in (maps.ID_EMBEDDING, maps.CANDIDATE_VECTOR):  # the Model page's two item maps
        vectors = maps.item_vectors(rec, kind)
        assert vectors.shape == (run.dataset.n_items, run.model_config.dim)
        item_map = maps.embedding_map(vectors, run.dataset)
        explained = item_map.explained_variance_ratio
        assert len(item_map.points) == run.dataset.n_items and 0 < explained[1] <= explained[0] <= 1


def _explanation(found, removed, original, new, direction="drop"):
    cf = Counterfactual(removed=removed, original_rank=original, new_rank=new, found=found, direction=direction)
    return SimpleNamespace(counterfactual=cf, item_title="Heist <b>II</b>")


def test_counterfactual_sentences():
    found = counterfactual_sentence(_explanation(True, [1, 2], 2, 14), ["A", "B"], 10)
    assert found == (
        "Without ‘A’ and ‘B’ in the history (2 items), ‘Heist <b>II</b>’ would drop from rank 2 to "
        "rank 14, out of the top 10."
    )
    one = counterfactual_sentence(_explanation(True, [1], 1, 12), ["A"], 10)
    assert one.startswith("Without ‘A’ in the history, ‘Heist <b>II</b>’ would drop from rank 1 to rank 12")
    kept = counterfactual_sentence(_explanation(False, [1], 1, 3), ["A"], 10)
    assert (
        kept.startswith("Removing the one history item that pushes ‘Heist <b>II</b>’ up") and "rank 3 (now 1)" in kept
    )
    nothing = counterfactual_sentence(_explanation(False, [], 1, 1), [], 10)
    assert nothing.startswith("No item of the history pushes")


def test_counterfactual_sentences_for_an_item_below_the_top_k():
    rises = counterfactual_sentence(_explanation(True, [3], 15, 4, "rise"), ["C"], 10)
    assert rises == "Without ‘C’ in the history, ‘Heist <b>II</b>’ would rise from rank 15 to rank 4, into the top 10."
    stays = counterfactual_sentence(_explanation(False, [3, 4], 40, 22, "rise"), ["C", "D"], 10)
    assert stays.startswith("Removing all 2 history items that hold ‘Heist <b>II</b>’ down would lift it to rank 22")
    assert "still outside the top 10" in stays
    nothing = counterfactual_sentence(_explanation(False, [], 40, 40, "rise"), [], 10)
    assert nothing.startswith("No item of the history holds")


# ---------------------------------------------------------------- the Keras guard


def test_streamlit_no_longer_resets_keras_after_a_script_run(app):
    # Streamlit clears the Keras session after every run; under a model training in a thread that
    # crashed the process. app.py installs the guard; Keras' name counter shows the session is kept.
    import keras
    from streamlit.runtime.scriptrunner import script_runner

    from recsys.ui.session import keras_guard

    assert keras_guard.installed()
    keras.layers.Dense(1)  # at least one name taken
    script_runner._clean_problem_modules()
    assert keras.layers.Dense(1).name != "dense"  # a cleared session would start the names again
