"""Fixtures for the app tests: small synthetic files and the app run once on its demo data."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.helpers import APP, make_interactions_csv, make_items_csv


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
    return app.switch_page("app_pages/data.py").run()
