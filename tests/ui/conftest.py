"""Fixtures for the app tests: small synthetic files and the app run once on its demo data."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from recsys.ui.pages import page_path
from recsys.ui.session.runs import BUNDLED_ENV, WORKSPACE_ENV
from recsys.ui.session.training import TINY_ENV
from tests.ui.helpers import APP, make_interactions_csv, make_items_csv
from tests.ui.trained import Trained, demo_run


def pytest_collection_modifyitems(items):
    """Tests on the shared trained run are ``slow``: the first of them trains it (``app_run``)."""
    for item in items:
        if "app_run" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def interactions_csv() -> bytes:
    return make_interactions_csv()


@pytest.fixture
def items_csv() -> bytes:
    return make_items_csv()


@pytest.fixture
def app() -> AppTest:
    """The app's entry point, run once (Home page, demo data)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    return at.run()


@pytest.fixture
def data_page(app: AppTest) -> AppTest:
    return app.switch_page(page_path("data")).run()


@pytest.fixture(autouse=True)
def empty_workspace(tmp_path, monkeypatch):
    """Every app test starts with an empty workspace (never the developer's runs), without the
    bundled demo run (``test_bundled_run_page`` shows it) and with tiny training defaults."""
    monkeypatch.setenv(WORKSPACE_ENV, str(tmp_path / "workspace"))
    monkeypatch.setenv(BUNDLED_ENV, "0")
    monkeypatch.setenv(TINY_ENV, "1")


@pytest.fixture(scope="session")
def app_run() -> Trained:
    """The tiny demo run, trained once through the Train page."""
    return demo_run()


@pytest.fixture
def run_app(app_run: Trained, monkeypatch) -> AppTest:
    """A new session (Home page) on the demo data, with the trained run in its workspace."""
    monkeypatch.setenv(WORKSPACE_ENV, str(app_run.workspace))
    return AppTest.from_file(str(APP), default_timeout=120).run()
