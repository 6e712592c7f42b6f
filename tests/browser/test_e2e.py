"""End-to-end: the real app in a real browser (Debian's chromium, driven by Playwright).

Starts ``streamlit run app.py`` on a free localhost port, opens the Data page (as the server's very
first request) and Home, uploads a small CSV through the file uploader and checks that the load
report and the statistics show.
Screenshots go to ``test-artifacts/``; with ``UPDATE_SCREENSHOTS=1`` the README's screenshots in
``assets/screenshots/`` are replaced too.

Without ``/usr/bin/chromium`` the test is skipped locally and fails under CI (``CI=true``), where
``scripts/test.sh`` installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ROOT / "assets" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}
N_USERS = 25

pytestmark = pytest.mark.browser


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)"
        if _in_ci():
            pytest.fail(reason + "; CI must run the browser test")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(browser):
    """``streamlit run app.py`` on a free port; yields its URL and stops it afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(ARTIFACTS / "streamlit-server.log", "w")  # noqa: SIM115 (closed below)
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"streamlit did not start:\n{(ARTIFACTS / 'streamlit-server.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    yield page
    context.close()


def _settle(page, timeout: int = 60_000) -> None:
    """Wait until the script run has finished (Streamlit's status widget says nothing is running)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=timeout,
    )
    page.wait_for_timeout(800)  # charts finish drawing


PUBLISHED = ("home.png", "data.png")  # the README's screenshots


def _screenshot(page, name: str) -> Path:
    """A full-page screenshot: Streamlit scrolls inside its main block, so grow the viewport to fit."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], int(height))})
    page.wait_for_timeout(1000)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" and name in PUBLISHED:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / name)
    return path


def _assert_no_exception(page) -> None:
    assert page.get_by_test_id("stException").count() == 0, page.get_by_test_id("stException").first.inner_text()


def _small_csv(tmp_path: Path) -> Path:
    lines = ["user,item,rating,timestamp"]
    for u in range(N_USERS):
        for k in range(4):
            lines.append(f"user{u},item{(u + k) % 9},{1 + (u + k) % 5},{1_700_000_000 + 3600 * (4 * u + k)}")
    path = tmp_path / "e2e_interactions.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _open_data_page(page) -> None:
    page.get_by_role("heading", name="Load report").wait_for(timeout=60_000)
    _settle(page)
    page.locator(".js-plotly-plot").nth(3).wait_for(timeout=30_000)
    _assert_no_exception(page)


def test_data_home_and_upload(server, page, tmp_path):
    # The server's first request is a deep link: the app's own navigation must still be used.
    page.goto(f"{server}/data")
    _open_data_page(page)
    nav = page.get_by_test_id("stSidebarNav").inner_text().split()  # labels plus icon names
    assert "Home" in nav and "Data" in nav and "app" not in nav, nav
    assert page.get_by_test_id("stAlertContentError").count() == 0
    _screenshot(page, "data.png")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Home").click()
    page.get_by_role("heading", name="RecLens").wait_for(timeout=60_000)
    page.get_by_test_id("stMetricValue").nth(3).wait_for(timeout=60_000)  # the dataset card is drawn
    _settle(page)
    _assert_no_exception(page)
    page.get_by_text("bundled demo data").first.wait_for()
    _screenshot(page, "home.png")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Data").click()
    _open_data_page(page)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Interactions")
    uploader.locator("input[type=file]").set_input_files(str(_small_csv(tmp_path)))
    page.get_by_text("In use:").wait_for(timeout=60_000)
    _settle(page)
    page.get_by_text("e2e_interactions.csv", exact=False).first.wait_for()
    page.get_by_role("heading", name="Load report").wait_for()
    page.get_by_role("heading", name="Statistics").wait_for()
    page.locator(".js-plotly-plot").nth(3).wait_for(timeout=30_000)
    _assert_no_exception(page)
    metrics = dict(
        zip(
            page.get_by_test_id("stMetricLabel").all_inner_texts(),
            page.get_by_test_id("stMetricValue").all_inner_texts(),
        )
    )
    assert metrics.get("users") == str(N_USERS), metrics
    assert metrics.get("interactions") == str(4 * N_USERS), metrics
    _screenshot(page, "data-upload.png")
