"""End-to-end: the real app in a real browser (Debian's chromium, driven by Playwright).

Starts ``streamlit run app.py`` on a free localhost port (tiny training defaults, ``RECLENS_TINY=1``,
and a workspace holding a copy of the tiny demo run that ``tests/ui/trained.py`` trains once per
test process), then:

1. opens the Data page (as the server's very first request) and Home, uploads a small CSV through
   the file uploader and checks that the load report and the statistics show;
2. uploads the CSV again in a new session, trains on it (one epoch), opens a user's
   recommendations and an explanation, and checks what they show;
3. opens Train, Recommend (with a what-if removal), Explain, Model and Fairness (grouped by age,
   re-ranked at lambda 0.4) on the demo run.

Screenshots of every page go to ``test-artifacts/``; with ``UPDATE_SCREENSHOTS=1`` the README's
screenshots in ``assets/screenshots/`` are replaced too (``UPDATE_SCREENSHOTS=fairness.png,model.png``
replaces only the named ones; the pages then show the bundled demo run, trained with the Train
page's defaults).

Without ``/usr/bin/chromium`` the test is skipped locally and fails under CI (``CI=true``), where
``scripts/test.sh`` installs it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from recsys.ui.session.runs import BUNDLED_ENV, WORKSPACE_ENV
from recsys.ui.session.training import TINY_ENV

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
# Deadlines, not delays: what needs TensorFlow (training, the first explanation, the audit) traces
# graphs first, which takes minutes when other work keeps every core busy.
SLOW_MS = 900_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


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


def _updating() -> bool:
    return os.environ.get("UPDATE_SCREENSHOTS", "") not in ("", "0")


def _publish(name: str) -> bool:
    """Whether this run replaces the README's screenshot ``name`` (all, or the ones listed)."""
    chosen = os.environ.get("UPDATE_SCREENSHOTS", "")
    return name in PUBLISHED and (chosen == "1" or name in chosen.split(","))


@pytest.fixture(scope="module")
def workspace(browser, tmp_path_factory) -> Path:
    """A workspace for the server with a copy of the shared tiny demo run; empty when refreshing the
    README's screenshots, so that the pages show the bundled demo run (``python -m recsys
    demo-run``: the Train page's defaults), which the app lists for the demo data after the workspace's."""
    target = tmp_path_factory.mktemp("server-workspace")
    if _updating():
        return target
    from tests.ui.trained import demo_run

    source = demo_run().workspace
    for run in source.iterdir():
        if run.is_dir() and run.name != "__pycache__":
            shutil.copytree(run, target / run.name)
    return target


def eventually(read, check=bool, *, timeout_s: float = 60, interval_s: float = 0.25, what: str = "a condition"):
    """Poll ``read()`` until ``check(value)`` holds and return that value; after ``timeout_s`` fail
    with the last value read. Every browser assertion waits this way (or with Playwright's
    ``expect``): a busy machine may still be re-rendering when a read-once assertion looks."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = read()
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout_s:.0f} s; last value: {value!r}")
        time.sleep(interval_s)  # a polling interval, not a synchronisation point


class ServerFailed(RuntimeError):
    """The app did not start (its log's tail is the message)."""


@contextlib.contextmanager
def app_server(env: dict, log_name: str):
    """``streamlit run app.py`` on a free port with ``env`` added to the environment (log in
    ``test-artifacts/<log_name>``); yields its URL and stops it afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with open(ARTIFACTS / log_name, "w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=os.environ | env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            with contextlib.suppress(AssertionError):  # the check below says what went wrong
                eventually(lambda: process.poll() is not None or _healthy(url), timeout_s=120, what="the health check")
            if process.poll() is not None or not _healthy(url):
                log.flush()
                raise ServerFailed(f"streamlit did not start:\n{(ARTIFACTS / log_name).read_text()[-3000:]}")
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def server(browser, workspace):
    """The app on the shared workspace; yields its URL."""
    # Tiny training defaults, except when the README's screenshots are made (the form then shows
    # the defaults a user gets, which trained the run on display).
    env = {
        WORKSPACE_ENV: str(workspace),
        TINY_ENV: "0" if _updating() else "1",
        BUNDLED_ENV: "1" if _updating() else "0",
    }
    try:
        with app_server(env, "streamlit-server.log") as url:
            yield url
    except ServerFailed as err:
        pytest.fail(str(err))


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(180_000)  # a deadline for every wait without its own (30 s by default)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:  # what the browser showed, for the failure's reader
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}.png"), full_page=True)
    context.close()


SETTLED_JS = """() => {
    const status = document.querySelector('[data-testid="stStatusWidget"]');
    if (status && status.innerText.includes('Running')) return false;         // a script run is on
    if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
    return [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'));
}"""
NEXT_FRAMES_JS = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _settle(page, timeout: int = 180_000) -> None:
    """Wait until the script run has finished (Streamlit's status widget says nothing is running, no
    element is left over from the previous run or still loading) and every chart is drawn."""
    page.wait_for_function(SETTLED_JS, timeout=timeout)
    page.evaluate(NEXT_FRAMES_JS)  # what was just drawn is painted


PUBLISHED = ("home.png", "data.png", "train.png", "recommend.png", "explain.png", "model.png", "fairness.png")  # README


def full_page_screenshot(page, path: Path) -> Path:
    """A full-page screenshot: Streamlit scrolls inside its main block, so grow the viewport to fit."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], int(height))})
    page.wait_for_function(SETTLED_JS, timeout=180_000)
    page.evaluate(NEXT_FRAMES_JS)  # laid out and painted at the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)
    return path


def _screenshot(page, name: str) -> Path:
    """A full-page screenshot in ``test-artifacts/``, copied to the README's when published."""
    path = full_page_screenshot(page, ARTIFACTS / name)
    if _publish(name):
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


def _cells(page, key: str, check=bool, timeout_s: float = SLOW_MS / 1000) -> list[str]:
    """Texts of the cells of the table in the container keyed ``key`` (the grid's accessible cells),
    once ``check(cells)`` holds (by default: once there are cells)."""
    cells = page.locator(f".st-key-{key} [role=gridcell]")
    return eventually(
        lambda: [c.strip() for c in cells.all_text_contents()], check, timeout_s=timeout_s, what=f"the table {key!r}"
    )


def _metric(page, label: str):
    """The value of the metric labelled ``label`` (a locator: ``expect`` waits on it)."""
    labelled = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stMetric").filter(has=labelled).get_by_test_id("stMetricValue")


RECORD_METRICS_JS = """() => {
    // Every state of the page's metrics (label -> value) from now on, in order, without repeats.
    const states = window.__metricStates = [];
    const record = () => {
        const state = {};
        for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
            const label = m.querySelector('[data-testid="stMetricLabel"]');
            const value = m.querySelector('[data-testid="stMetricValue"]');
            if (label && value) state[label.innerText.trim()] = value.innerText.trim();
        }
        const text = JSON.stringify(state);
        if (states[states.length - 1] !== text) states.push(text);
    };
    new MutationObserver(record).observe(document.body, {subtree: true, childList: true, characterData: true});
    record();
}"""


def _nav(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    page.get_by_role("heading", name=name, exact=True).wait_for(timeout=180_000)
    _settle(page)


def _charts(page, count: int) -> None:
    """Wait until ``count`` charts are drawn and visible (charts in hidden tabs do not count)."""
    page.locator(".js-plotly-plot >> visible=true").nth(count - 1).wait_for(timeout=SLOW_MS)


def _open_data_page(page) -> None:
    page.get_by_role("heading", name="Load report").wait_for(timeout=180_000)
    _settle(page)
    page.locator(".js-plotly-plot").nth(3).wait_for(timeout=180_000)
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
    page.get_by_role("heading", name="RecLens").wait_for(timeout=180_000)
    page.get_by_test_id("stMetricValue").nth(3).wait_for(timeout=180_000)  # the dataset card is drawn
    _settle(page)
    _assert_no_exception(page)
    page.get_by_text("bundled demo data").first.wait_for()
    _screenshot(page, "home.png")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Data").click()
    _open_data_page(page)
    expect(_metric(page, "interactions")).not_to_have_text(str(4 * N_USERS))  # the demo's figures
    page.evaluate(RECORD_METRICS_JS)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Interactions")
    uploader.locator("input[type=file]").set_input_files(str(_small_csv(tmp_path)))
    page.get_by_text("In use:").wait_for(timeout=180_000)
    expect(_metric(page, "users")).to_have_text(str(N_USERS), timeout=180_000)
    expect(_metric(page, "interactions")).to_have_text(str(4 * N_USERS), timeout=180_000)
    _settle(page)
    page.get_by_text("e2e_interactions.csv", exact=False).first.wait_for()
    page.get_by_role("heading", name="Load report").wait_for()
    page.get_by_role("heading", name="Statistics").wait_for()
    page.locator(".js-plotly-plot").nth(3).wait_for(timeout=180_000)
    _assert_no_exception(page)
    # Never the figures of two files at once: every state the page went through is one file's.
    states = [json.loads(text) for text in page.evaluate("() => window.__metricStates")]
    demo, upload = states[0], states[-1]
    assert demo["users"] != upload["users"] and demo["interactions"] != upload["interactions"], states
    for state in states:
        assert any(all(ref.get(k) == v for k, v in state.items()) for ref in (demo, upload)), states
    _screenshot(page, "data-upload.png")


def _upload(page, tmp_path) -> None:
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Interactions")
    uploader.locator("input[type=file]").set_input_files(str(_small_csv(tmp_path)))
    page.get_by_text("In use:").wait_for(timeout=180_000)
    _settle(page)


def test_train_recommend_and_explain_an_upload(server, page, tmp_path):
    page.goto(f"{server}/data")
    _open_data_page(page)
    _upload(page, tmp_path)

    _nav(page, "Train")
    page.get_by_text("No run of this data yet").wait_for()
    page.get_by_role("button", name="Train").click()
    page.get_by_test_id("stProgress").wait_for(timeout=180_000)  # live progress while the thread trains
    page.get_by_text("Trained and evaluated in").wait_for(timeout=SLOW_MS)  # tracing alone can take minutes when busy
    _cells(
        page, "leaderboard", lambda board: {"Transformer (this run)", "EASE", "ItemKNN", "MostPopular"} <= set(board)
    )
    _settle(page)
    _assert_no_exception(page)
    page.get_by_text("Trained and evaluated in").wait_for()
    _screenshot(page, "train-upload.png")

    _nav(page, "Recommend")
    page.get_by_role("heading", name="History of user user0").wait_for(timeout=180_000)
    history = {f"item{k}" for k in range(4)}  # user0 has item0 .. item3 (see _small_csv)
    # columns: rank, title, score, categories
    _cells(page, "recommendations", lambda cells: cells[1::4] and not history & set(cells[1::4]))
    _charts(page, 1)
    _assert_no_exception(page)
    _screenshot(page, "recommend-upload.png")

    typed = page.get_by_label("Or type a user id")
    typed.fill("nobody")
    typed.press("Enter")
    page.get_by_text("User 'nobody' is not in the data of this run").wait_for(timeout=180_000)
    typed.fill("user3")
    typed.press("Enter")
    page.get_by_role("heading", name="History of user user3").wait_for(timeout=180_000)
    _settle(page)

    _nav(page, "Explain")
    page.get_by_text("Counterfactual.").wait_for(timeout=SLOW_MS)
    _charts(page, 5)
    _settle(page)
    _assert_no_exception(page)
    reason = page.get_by_test_id("stAlertContentInfo").first.get_by_test_id("stMarkdownContainer")
    expect(reason).to_have_text(re.compile(r"^\s*(Because|No single)"))
    expect(page.get_by_test_id("stSelectbox").filter(has_text="User (").locator("input")).to_have_value("user3")
    _screenshot(page, "explain-upload.png")


def _remove_from_history(page, n: int) -> None:
    """Pick the first ``n`` history items in the what-if multiselect, one at a time, each time
    waiting for its chip and for the page's rerun."""
    from playwright.sync_api import Error as PlaywrightError

    box = page.get_by_test_id("stMultiSelect").filter(has_text="Remove from the history")
    chips = box.locator("[data-tag]")  # the chips of the picked values
    for picked in range(n):

        def pick_one(picked=picked) -> bool:  # a rerun may close the menu or detach its options: retry
            if chips.count() > picked:
                return True
            with contextlib.suppress(PlaywrightError):
                box.locator("input").click(timeout=5_000)
                box.locator("input").press("ArrowDown")  # the menu sometimes needs a key press to open
                page.get_by_role("option").filter(has_not_text="Select all").first.click(timeout=5_000)
            return chips.count() > picked

        eventually(pick_one, timeout_s=90, interval_s=0.5, what=f"picking history item {picked + 1}")
        page.keyboard.press("Escape")
        _settle(page)
    expect(chips).to_have_count(n)


def test_every_page_on_the_demo_run(server, page):
    page.goto(f"{server}/train")
    _cells(page, "leaderboard", lambda board: "Transformer (this run)" in board and "EASE" in board)
    _settle(page)
    page.get_by_text("leave-last-out per user by time").wait_for()
    _charts(page, 2)
    _assert_no_exception(page)
    _screenshot(page, "train.png")

    _nav(page, "Recommend")
    _cells(page, "recommendations", lambda cells: len(cells) == 40)  # 10 rows of rank, title, score, categories
    _remove_from_history(page, 3)
    _cells(
        page,
        "whatif_after",
        lambda after: len(after) == 40 and any(c == "new" or c.startswith(("▲", "▼")) for c in after[3::4]),
    )
    if _updating():  # the pretrained text encoder on the whole catalogue: for the README only (slow cold)
        taste = page.get_by_label("Your tastes, in a sentence")
        taste.fill("space adventures on distant planets")
        taste.press("Enter")
        _cells(page, "text_recommendations", lambda cells: len(cells) == 40)
        _settle(page)
    _assert_no_exception(page)
    _screenshot(page, "recommend.png")

    _nav(page, "Explain")
    page.get_by_text("Counterfactual.").wait_for(timeout=SLOW_MS)
    _charts(page, 5)  # heatmap, target attention, SHAP bar and waterfall (first tab), deletion curves
    _settle(page)
    _assert_no_exception(page)
    _screenshot(page, "explain.png")

    _nav(page, "Model")
    _cells(page, "layers_embedding", lambda layers: {"item_embedding", "position_embedding"} <= set(layers))
    _cells(page, "layers_interaction", lambda layers: "self_attention_0" in layers)
    _charts(page, 4)
    _settle(page)
    _assert_no_exception(page)
    _screenshot(page, "model.png")

    _nav(page, "Fairness")
    _cells(page, "fairness_group_table")
    box = page.get_by_test_id("stSelectbox").filter(has_text="Group users by")
    box.locator("input").click()
    page.get_by_role("option", name="age_group", exact=True).click()
    page.locator(".st-key-fairness_group_table [role=gridcell]").filter(has_text="55+").first.wait_for(
        state="attached", timeout=SLOW_MS
    )
    _settle(page)
    _cells(page, "fairness_group_table", lambda groups: {"18-24", "55+"} <= set(groups))
    slider = page.get_by_role("slider")
    slider.focus()
    for _ in range(4):  # lambda 0 -> 0.4
        slider.press("ArrowRight")
    page.get_by_text("re-ranked, λ = 0.4").first.wait_for(timeout=SLOW_MS)
    _charts(page, 6)  # group bars, 2 exposure charts, calibration, trade-off, Lorenz
    _settle(page)
    _assert_no_exception(page)
    page.get_by_text("leave-last-out per user by time").first.wait_for()
    _screenshot(page, "fairness.png")
