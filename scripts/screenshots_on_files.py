"""Screenshots of the Data, Explain and Fairness pages on your own files, as a user sees them.

Starts the app on a temporary workspace holding a copy of ``--run`` (trained on the same files
with ``python -m recsys train``, so its data fingerprint matches the upload), opens it in
Debian's chromium, uploads the files on the Data page, names the items file's 0/1 flag columns
(``--flag-values``) and applies, then opens Explain and Fairness (grouped by ``--group-by``).
Screenshots go to ``assets/screenshots/<prefix>-{data,explain,fairness}.png``.

    python scripts/screenshots_on_files.py --interactions u.data --items u.item --users u.user \\
        --run runs/ml100k --prefix headerless --group-by column_3 --flag-values "unknown,Action,..."
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recsys.ui.session.runs import WORKSPACE_ENV  # noqa: E402
from recsys.ui.session.training import TINY_ENV  # noqa: E402
from tests.browser.test_e2e import (  # noqa: E402 (the browser test's helpers: one way to drive the app)
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    VIEWPORT,
    _assert_no_exception,
    _charts,
    _nav,
    _settle,
    app_server,
    full_page_screenshot,
)


def _shoot(page, path: Path) -> None:
    full_page_screenshot(page, path)
    print(f"wrote {path}")


def _upload(page, args) -> None:
    for label, path in (("Interactions", args.interactions), ("Items", args.items), ("Users", args.users)):
        if not path:
            continue
        uploader = page.get_by_test_id("stFileUploader").filter(has_text=label).first
        uploader.locator("input[type=file]").set_input_files(str(path))
        page.get_by_text(Path(path).name).first.wait_for(timeout=120_000)
        _settle(page, timeout=300_000)
    if args.flag_values:
        values = page.get_by_role("textbox", name="Its values, comma-separated", exact=True).first
        values.fill(args.flag_values)
        page.get_by_role("button", name="Apply names and types").first.click()
        _settle(page, timeout=300_000)
        # the reload after "Apply" shows the stale page under a spinner until the files are read again
        page.get_by_text("Reading and checking the files").first.wait_for(state="hidden", timeout=300_000)
        page.get_by_role("heading", name="Load report").wait_for(timeout=300_000)
        _settle(page, timeout=300_000)
    _assert_no_exception(page)


def _pages(url: str, args, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=VIEWPORT).new_page()
        page.goto(f"{url}/data")
        page.get_by_role("heading", name="Load report").wait_for(timeout=120_000)
        _settle(page)
        _upload(page, args)
        _shoot(page, out / f"{args.prefix}-data.png")

        _nav(page, "Explain")
        page.get_by_text("Counterfactual.").wait_for(timeout=300_000)
        _charts(page, 5)
        _settle(page, timeout=300_000)
        _assert_no_exception(page)
        _shoot(page, out / f"{args.prefix}-explain.png")

        _nav(page, "Fairness")
        page.locator(".st-key-fairness_group_table [role=gridcell]").first.wait_for(state="attached",
                                                                                   timeout=300_000)
        if args.group_by:
            box = page.get_by_test_id("stSelectbox").filter(has_text="Group users by")
            box.locator("input").click()
            page.get_by_role("option", name=args.group_by, exact=True).click()
            _settle(page, timeout=300_000)
        _charts(page, 4)
        _settle(page, timeout=300_000)
        _assert_no_exception(page)
        _shoot(page, out / f"{args.prefix}-fairness.png")
        browser.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--interactions", required=True)
    p.add_argument("--items")
    p.add_argument("--users")
    p.add_argument("--run", required=True, help="a run trained on these files (python -m recsys train --out RUN)")
    p.add_argument("--prefix", default="files")
    p.add_argument("--flag-values", help="names of the items file's 0/1 columns, comma-separated, in order")
    p.add_argument("--group-by", help="user attribute for the Fairness page's groups")
    p.add_argument("--out", default=str(SCREENSHOTS))
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ARTIFACTS.mkdir(exist_ok=True)
    workspace = Path(tempfile.mkdtemp(prefix="reclens-shots-"))
    shutil.copytree(args.run, workspace / Path(args.run).name)
    env = {WORKSPACE_ENV: str(workspace), TINY_ENV: "0"}
    with app_server(env, "streamlit-screenshots.log") as url:
        _pages(url, args, out)


if __name__ == "__main__":
    main()
