"""AppTest over every page: default (demo) data, uploads, mapping changes and bad files.

Uploads are driven two ways: through the real ``st.file_uploader`` widgets (AppTest in
Streamlit >= 1.50 can upload bytes), and by putting ``Source`` bytes into
``st.session_state[state.SOURCES]``, the hook the Data page reads its files from.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from recsys.data import load_dataset
from recsys.errors import Msg
from recsys.ui.pages import PAGES, page_path
from recsys.ui.session import state
from recsys.ui.session.loading import DEMO_DIR, Choice, Source, Sources, load_sources
from tests.ui.helpers import N_ITEMS, N_USERS, ROOT, make_interactions_csv, unescape

INTERACTIONS = state.upload_key("interactions")
PLAYS = Path(__file__).parents[1] / "data" / "plays.tsv"  # headerless `user item count`, no timestamps


def loaded(at: AppTest):
    return at.session_state[state.LOADED]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def upload(at: AppTest, name: str, data: bytes, kind: str = "interactions") -> AppTest:
    generation = at.session_state[state.UPLOAD_GENERATION] if state.UPLOAD_GENERATION in at.session_state else 0
    return at.file_uploader(key=state.upload_key(kind, generation)).upload(name, data, "text/csv").run()


# ---------------------------------------------------------------- default (demo) data


def test_demo_files_are_present():
    for kind in ("interactions", "items", "users"):
        assert (DEMO_DIR / f"{kind}.csv").is_file(), f"assets/demo/{kind}.csv is missing"


def test_home_runs_on_demo_data(app: AppTest):
    assert_clean(app)
    assert app.title[0].value == "RecLens"
    demo = load_dataset(*(DEMO_DIR / f"{k}.csv" for k in ("interactions", "items", "users")))
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["users"] == f"{demo.n_users:,}"
    assert metrics["interactions"] == f"{len(demo.interactions):,}"
    assert loaded(app).demo


def test_data_page_runs_on_demo_data(data_page: AppTest):
    assert_clean(data_page)
    assert data_page.title[0].value == "Data"
    assert len(data_page.get("plotly_chart")) == 4
    assert [s.value for s in data_page.selectbox][:4] == ["user_id", "item_id", "rating", "timestamp"]
    assert "Load report" in [h.value for h in data_page.subheader]
    assert [u.label for u in data_page.file_uploader] == [
        "Interactions (required)",
        "Items (optional)",
        "Users (optional)",
    ]
    assert data_page.file_uploader[0].allowed_type == [
        ".csv",
        ".tsv",
        ".txt",
        ".dat",
        ".data",
        ".item",
        ".user",
        ".parquet",
    ]


# ---------------------------------------------------------------- uploads


def test_upload_through_the_uploader_replaces_the_demo(data_page: AppTest, interactions_csv, items_csv):
    upload(data_page, "ratings.csv", interactions_csv)
    assert_clean(data_page)
    outcome = loaded(data_page)
    assert not outcome.demo and outcome.dataset.name == "ratings.csv"
    assert outcome.dataset.n_users == N_USERS
    assert {m.label: m.value for m in data_page.metric}["users"] == str(N_USERS)
    assert any("ratings.csv" in unescape(m.value) for m in data_page.markdown)  # the "In use:" line

    upload(data_page, "catalogue.csv", items_csv, kind="items")
    assert_clean(data_page)
    assert loaded(data_page).dataset.items.titles(["s3"]) == ["Title 3"]

    data_page.switch_page(page_path("home")).run()  # Home shows the session's upload, not the demo
    assert_clean(data_page)
    assert {m.label: m.value for m in data_page.metric}["users"] == str(N_USERS)


def test_bytes_in_session_state_drive_the_page(app: AppTest, interactions_csv):
    app.session_state[state.SOURCES] = {"interactions": Source("from_state.csv", interactions_csv)}
    app.switch_page(page_path("data")).run()
    assert_clean(app)
    assert loaded(app).dataset.name == "from_state.csv"


def test_back_to_demo_empties_the_uploaders(data_page: AppTest, interactions_csv):
    upload(data_page, "ratings.csv", interactions_csv)
    data_page.button(key=state.USE_DEMO).click().run()
    assert_clean(data_page)
    assert loaded(data_page).demo
    assert data_page.session_state[state.UPLOAD_GENERATION] == 1
    assert data_page.file_uploader(key=state.upload_key("interactions", 1)).value is None


def test_removing_the_upload_goes_back_to_the_demo(data_page: AppTest, interactions_csv):
    upload(data_page, "ratings.csv", interactions_csv)
    assert not loaded(data_page).demo
    data_page.file_uploader(key=INTERACTIONS).clear().run()  # the user clicks the file's "x"
    assert_clean(data_page)
    assert loaded(data_page).demo


def test_uploads_stay_in_their_browser_session(interactions_csv):
    first = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    second = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    first.switch_page(page_path("data")).run()
    upload(first, "mine.csv", interactions_csv)
    second.switch_page(page_path("data")).run()
    assert loaded(first).dataset.name == "mine.csv"
    assert loaded(second).demo


def test_file_names_are_shown_as_text(data_page: AppTest, interactions_csv):
    upload(data_page, "**bold** <b>x</b>.csv", interactions_csv)
    assert_clean(data_page)
    shown = [m.value for m in data_page.markdown if "In use" in m.value][0]
    assert "\\*\\*bold\\*\\*" in shown and "\\<b\\>" in shown  # escaped: rendered literally


# ---------------------------------------------------------------- column mapping


def test_mapping_rating_to_none_gives_implicit_feedback(data_page: AppTest, interactions_csv):
    upload(data_page, "ratings.csv", interactions_csv)
    # the four roles, then how dates and the values are read
    assert [s.value for s in data_page.selectbox] == ["customer", "sku", "stars", "ts"] + ["detect from the data"] * 2
    data_page.selectbox(key=state.MAP["rating"]).set_value(state.NONE_OPTION).run()
    assert_clean(data_page)
    outcome = loaded(data_page)
    assert not outcome.dataset.has_ratings and outcome.stats.rating_counts is None
    assert outcome.dataset.mapping.as_dict() == {"user": "customer", "item": "sku", "rating": None, "timestamp": "ts"}
    assert data_page.selectbox(key=state.MAP["rating"]).value == state.NONE_OPTION
    assert "not used" in [c.value for c in data_page.caption]


def _chart(at: AppTest, key: str) -> dict:
    """The plotly figure of the chart with ``key``, as the JSON spec the page sent."""
    return json.loads(next(c for c in at.get("plotly_chart") if key in c.proto.id).proto.spec)


def test_play_counts_read_as_weights_and_the_reading_can_be_changed(data_page: AppTest):
    upload(data_page, "plays.tsv", PLAYS.read_bytes())
    assert_clean(data_page)
    outcome = loaded(data_page)
    assert outcome.dataset.has_weights and not outcome.dataset.has_ratings and outcome.stats.rating_counts is None
    assert data_page.selectbox(key=state.VALUE_KIND).value == "detect from the data"
    assert "read as weights" in [c.value for c in data_page.caption]
    values = _chart(data_page, "chart_values")
    assert values["layout"]["xaxis"]["title"]["text"] == "weight per interaction (log scale)"
    assert values["data"][0]["x"] == outcome.stats.weight_bins["label"].tolist()  # log-spaced bins: 1, 2–3, 4–5 ...
    assert values["data"][0]["x"][:4] == ["1", "2–3", "4–5", "6–9"]
    data_page.selectbox(key=state.VALUE_KIND).set_value("ratings (a scale, e.g. 1-5 stars)").run()
    assert_clean(data_page)
    outcome = loaded(data_page)
    assert outcome.dataset.has_ratings and not outcome.dataset.has_weights and outcome.stats.weight_bins is None
    assert any("read as ratings (value_kind='rating' was chosen)" in n
               for n in outcome.dataset.reports["interactions"].notes)
    assert "read as ratings" in [c.value for c in data_page.caption]
    assert _chart(data_page, "chart_values")["layout"]["xaxis"]["title"]["text"] == "rating"


def test_mapping_swap_of_user_and_item_reloads(data_page: AppTest, interactions_csv):
    upload(data_page, "ratings.csv", interactions_csv)
    data_page.selectbox(key=state.MAP["user"]).set_value("sku")
    data_page.selectbox(key=state.MAP["item"]).set_value("customer").run()
    assert_clean(data_page)
    assert loaded(data_page).dataset.n_users == N_ITEMS  # the items are now the "users"
    assert {m.label: m.value for m in data_page.metric}["users"] == str(N_ITEMS)


def test_same_column_twice_is_an_error_then_reset(data_page: AppTest, interactions_csv):
    upload(data_page, "ratings.csv", interactions_csv)
    data_page.selectbox(key=state.MAP["item"]).set_value("customer").run()
    assert not data_page.exception
    assert unescape(data_page.error[0].value) == Msg.SAME_COLUMN.format(column="customer", roles="user and item")
    assert len(data_page.selectbox) >= 4  # the mapping stays on screen so it can be fixed
    assert not data_page.get("plotly_chart")
    data_page.button[-1].click().run()  # "Detect the columns again"
    assert_clean(data_page)
    assert loaded(data_page).dataset.mapping.item == "sku"


# ---------------------------------------------------------------- bad files


BAD_FILES = {
    "empty": (b"", Msg.EMPTY_FILE.format(name="bad.csv")),
    "binary": (b"\x00\x01\x02\x03garbage\x00" * 50, Msg.BINARY_FILE.format(name="bad.csv")),
    "text ratings": (
        b"user,item,rating\n" + b"".join(b"u%d,i%d,good\n" % (n % 5, n) for n in range(30)),
        Msg.NON_NUMERIC_RATING.format(column="rating", count=30, row=2, value="good"),
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_upload_shows_a_plain_error(data_page: AppTest, case):
    data, message = BAD_FILES[case]
    upload(data_page, "bad.csv", data)
    assert not data_page.exception
    assert [unescape(e.value) for e in data_page.error] == [message]
    assert not data_page.get("plotly_chart")
    data_page.switch_page(page_path("home")).run()  # Home points to the problem, no traceback either
    assert not data_page.exception
    assert [unescape(e.value) for e in data_page.error] == [message]


# ---------------------------------------------------------------- the loading helper itself


def test_load_sources_keeps_weights_with_an_explicit_mapping_and_follows_the_value_kind():
    from recsys.data import ColumnMapping

    source = Source("plays.tsv", PLAYS.read_bytes())
    mapping = ColumnMapping(user="column_1", item="column_2", rating="column_3", timestamp=None)  # no timestamp
    outcome = load_sources(Sources(source), Choice(interactions=mapping))
    assert outcome.ok and outcome.dataset.has_weights and not outcome.dataset.has_ratings
    assert outcome.dataset.mapping.rating == "column_3" and outcome.stats.weight_bins["count"].sum() == 16
    assert any("'column_3' read as weights" in n for n in outcome.dataset.reports["interactions"].notes)
    forced = load_sources(Sources(source), Choice(interactions=mapping, value_kind="rating"))
    assert forced.ok and forced.dataset.has_ratings and not forced.dataset.has_weights


def test_load_sources_without_rating_keeps_file_names_and_row_numbers():
    # Headerless TSV; line 3 has no item id. Row numbers in the report are file lines.
    lines = [f"u{n % 4}\ti{n}\t{n % 5 + 1}\t{1_600_000_000 + n}" for n in range(1, 21)]
    lines[2] = "u3\t\t4\t1600000003"
    source = Source("log.tsv", ("\n".join(lines) + "\n").encode())
    auto = load_sources(Sources(source))
    assert auto.ok and auto.dataset.has_ratings
    from recsys.data import ColumnMapping

    mapping = ColumnMapping(user="column_1", item="column_2", rating=None, timestamp="column_4")
    outcome = load_sources(Sources(source), Choice(interactions=mapping))
    assert outcome.ok and not outcome.dataset.has_ratings
    report = outcome.dataset.reports["interactions"]
    assert report.source == "log.tsv" and outcome.dataset.name == "log.tsv"
    assert "delimiter detected: tab" in report.notes
    missing = [e for e in report.entries if e.reason == "missing item id"][0]
    assert missing.examples == (3,)
    assert report.rows_read - report.rows_dropped == report.rows_kept == len(outcome.dataset.interactions)


def test_load_sources_reports_errors_instead_of_raising():
    outcome = load_sources(Sources(Source("x.csv", b"only_one_column\n1\n2\n")))
    assert not outcome.ok and outcome.error
    assert outcome.columns["interactions"] == ["only_one_column"]


def test_big_file_inspects_only_its_head():
    data = make_interactions_csv(n_users=40_000, per_user=3)
    assert len(data) > 2_000_000
    head = Source("big.csv", data).head().getvalue()
    assert len(head) <= 2_000_000 and head.endswith(b"\n")


# ---------------------------------------------------------------- conventions


@pytest.mark.parametrize("page", sorted((ROOT / "app_pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_stay_thin(page: Path):
    assert len(page.read_text().splitlines()) <= 120, f"{page.name} does the library's job: move logic to recsys/"


def test_no_pages_folder_next_to_the_entry_script():
    # A `pages/` folder makes Streamlit 1.67 fall back to file-based navigation on a fresh server
    # whose first request is a page URL, bypassing app.py's st.navigation. Pages go in app_pages/.
    assert not (ROOT / "pages").exists(), "move page scripts to app_pages/ and register them in app.py"


def test_the_page_registry_matches_the_page_scripts():
    assert {p.path for p in PAGES} == {f"app_pages/{f.name}" for f in (ROOT / "app_pages").glob("*.py")}
    assert [p.name for p in PAGES if p.default] == ["home"]
    # every page path written out in the code names a registered page
    written = {m for f in [*ROOT.glob("recsys/**/*.py"), *ROOT.glob("app_pages/*.py")]
               for m in re.findall(r"app_pages/\w+\.py", f.read_text())}
    assert written <= {p.path for p in PAGES}


def test_home_lists_every_other_page_with_its_description(app: AppTest):
    links = [(e.proto.page, e.proto.label) for e in app.get("page_link")]
    others = [p for p in PAGES if p.name != "home"]
    assert links[: len(others)] == [(p.name, p.title) for p in others]  # (URL path, label); then the next step
    shown = [m.value for m in app.markdown]
    assert all(p.blurb in shown for p in others)
    assert not any("on its way" in c.value for c in app.caption)
