"""Browser-test hooks: each test's outcome is kept on its item, so the ``page`` fixture can save a
screenshot of what the browser showed when a test failed (``test-artifacts/failed-<test>.png``);
generous deadlines for ``expect``."""

import pytest
from playwright.sync_api import expect

# ``expect`` retries until its deadline (5 s by default): a busy machine needs longer.
expect.set_options(timeout=180_000)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
