"""End-to-end, as a new user: upload files, press Train with the Train page's default settings and
check that the Transformer beats EASE on the leaderboard.

A smaller demo (the bundled generator at 300 users and 400 items, with items and users files) keeps
the test within a few minutes; the settings are the form's defaults (no ``RECLENS_TINY``), so text
vectors, target attention, every default baseline and early stopping all run as a user gets them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recsys.data.demo import generate_demo
from recsys.ui.session.runs import WORKSPACE_ENV
from recsys.ui.session.training import TINY_ENV
from tests.browser.test_e2e import (  # noqa: F401 (browser, page: shared fixtures)
    ARTIFACTS,
    ROOT,
    ServerFailed,
    _assert_no_exception,
    _cells,
    _nav,
    _open_data_page,
    _screenshot,
    _settle,
    app_server,
    browser,
    eventually,
    page,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TRAIN_TIMEOUT_MS = 900_000


@pytest.fixture(scope="module")
def default_server(browser, tmp_path_factory):  # noqa: F811
    """The app with the defaults a user gets (no tiny training), on an empty workspace."""
    workspace = tmp_path_factory.mktemp("first-train-workspace")
    try:
        with app_server({WORKSPACE_ENV: str(workspace), TINY_ENV: "0"}, "streamlit-first-train.log") as url:
            yield url, workspace
    except ServerFailed as err:
        pytest.fail(str(err))


def _small_demo(folder: Path) -> dict[str, Path]:
    inter, items, users = generate_demo(n_users=300, n_items=400, mean_length=40.0, seed=7)
    paths = {}
    for name, frame in (("interactions", inter), ("items", items), ("users", users)):
        paths[name] = folder / f"small_{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


def test_default_training_beats_ease(default_server, page, tmp_path):  # noqa: F811
    url, workspace = default_server
    page.goto(f"{url}/data")
    _open_data_page(page)
    files = _small_demo(tmp_path)
    for label, path in (("Interactions", "interactions"), ("Items", "items"), ("Users", "users")):
        uploader = page.get_by_test_id("stFileUploader").filter(has_text=label).first
        uploader.locator("input[type=file]").set_input_files(str(files[path]))
        page.get_by_text(f"small_{path}.csv").first.wait_for(timeout=60_000)
        _settle(page)
    _assert_no_exception(page)

    _nav(page, "Train")
    page.get_by_text("No run of this data yet").wait_for()
    page.get_by_role("button", name="Train").click()
    page.get_by_test_id("stProgress").wait_for(timeout=60_000)
    page.get_by_text("Trained and evaluated in").wait_for(timeout=TRAIN_TIMEOUT_MS)
    board = _cells(page, "leaderboard", lambda cells: {"Transformer (this run)", "EASE"} <= set(cells))
    _settle(page)
    _assert_no_exception(page)
    _screenshot(page, "train-defaults.png")

    # what the user reads: the leaderboard is sorted by test NDCG@10, the Transformer above EASE
    assert board.index("Transformer (this run)") < board.index("EASE"), board
    # what was saved: the same comparison in the run's metrics
    (run_json,) = eventually(
        lambda: list(workspace.glob("*/run.json")), lambda found: len(found) == 1, what="the saved run"
    )
    record = json.loads(run_json.read_text())
    models = record["metrics"]["models"]
    assert models["sasrec"]["test"]["ndcg@10"] > models["ease"]["test"]["ndcg@10"], models
    assert record["stop_reason"] in ("early stopping", "max epochs"), record["stop_reason"]
    assert record["info"]["settings"]["use_text"] is True  # the defaults a user gets, text vectors on
