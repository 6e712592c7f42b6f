"""The Data page with hostile uploads: a plain message or a load report, never an exception element."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from recsys.errors import Msg
from recsys.ui.session import state
from recsys.ui.session.loading import UNEXPECTED, Source
from recsys.ui.views.failures import UNEXPECTED_VIEW
from tests.data.hostile import SMALL, hostile_files, parquet_row_bomb, wide_csv
from tests.ui.helpers import unescape

CORPUS = {f.name: f for f in hostile_files(SMALL)}


def show(at: AppTest, name: str, data: bytes, kind: str = "interactions") -> AppTest:
    sources = {"interactions": Source("base.csv", CORPUS["dates_iso_date.csv"].data)} if kind != "interactions" else {}
    at.session_state[state.SOURCES] = sources | {kind: Source(name, data)}
    return at.switch_page("app_pages/data.py").run()


def loaded(at: AppTest):
    return at.session_state[state.LOADED]


WORST = {
    # name: (bytes, the error shown, or None when it must load)
    "columns_10000.csv": (wide_csv(10_000), Msg.TOO_MANY_COLUMNS.format(name="columns_10000.csv", count=10_000,
                                                                        limit=1_000)),
    "row_bomb.parquet": (parquet_row_bomb(5_000_001), Msg.TOO_MANY_ROWS.format(
        name="row_bomb.parquet", count=5_000_001, what="rows", limit=5_000_000)),
    "wide_line.csv": (CORPUS["wide_line.csv"].data, Msg.TOO_MANY_COLUMNS.format(name="wide_line.csv", count=6667,
                                                                                 limit=1_000)),
    "dates_inconsistent.csv": (CORPUS["dates_inconsistent.csv"].data, Msg.MIXED_DATE_ORDER.format(
        column="timestamp", day="13/04/2021", month="04/13/2021")),
    "nested_struct.parquet": (CORPUS["nested_struct.parquet"].data, None),
    "one_more_field.csv": (CORPUS["one_more_field.csv"].data, None),
}


@pytest.mark.parametrize("name", list(WORST))
def test_the_worst_files_give_a_message_or_a_report(app: AppTest, name):
    data, message = WORST[name]
    show(app, name, data)
    assert not app.exception, [e.value for e in app.exception]
    if message is None:
        assert not app.error and loaded(app).ok
        assert "Load report" in [h.value for h in app.subheader]
    else:
        assert [unescape(e.value) for e in app.error] == [message]


def test_nested_parquet_shows_the_skipped_column_in_the_report(app: AppTest):
    show(app, "nested.parquet", CORPUS["nested_struct.parquet"].data)
    notes = loaded(app).dataset.reports["interactions"].notes
    assert any(n.startswith("column 'meta' not read: it holds nested values") for n in notes)
    assert any("column 'meta' not read" in unescape(m.value) for m in app.markdown)


def test_a_nested_users_file_loads_beside_the_interactions(app: AppTest):
    show(app, "users.parquet", CORPUS["users_nested.parquet"].data, kind="users")
    assert not app.exception and not app.error
    assert loaded(app).dataset.users.attributes == ["gender"]


def test_an_unexpected_error_is_a_message_with_details_not_an_exception(app: AppTest, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("recsys.ui.session.loading.load_dataset", broken)
    show(app, "unexpected.csv", CORPUS["space_ids.csv"].data)
    assert not app.exception
    assert [unescape(e.value) for e in app.error] == [UNEXPECTED.format(kind="RuntimeError", detail="boom")]
    details = [x for x in app.expander if x.label == "Details"]
    assert len(details) == 1
    assert "RuntimeError: boom" in details[0].code[0].value and "Traceback" in details[0].code[0].value


def test_a_section_that_fails_shows_a_message_and_the_page_goes_on(app: AppTest, monkeypatch):
    def broken(stats):
        raise KeyError("chart")

    monkeypatch.setattr("recsys.ui.charts.stats_figures", broken)
    show(app, "charts.csv", CORPUS["millis.csv"].data)
    assert not app.exception
    assert [unescape(e.value) for e in app.error] == [UNEXPECTED_VIEW.format(what="the statistics", kind="KeyError")]
    assert "Preview the loaded tables" in [x.label for x in app.expander]


def test_the_day_month_order_can_be_chosen_on_the_data_page(app: AppTest):
    show(app, "ambiguous.csv", CORPUS["dates_ambiguous.csv"].data)
    before = loaded(app).dataset
    assert any("no value decides" in n for n in before.reports["interactions"].notes)
    assert app.selectbox(key=state.DAYFIRST).value == "detect from the data"
    app.selectbox(key=state.DAYFIRST).set_value("day first (03/04 = 3 April)").run()
    assert not app.exception and not app.error
    after = loaded(app).dataset
    assert any(n.endswith("read day first (DataConfig.dayfirst)") for n in after.reports["interactions"].notes)
    # the first row reads 01/01 either way; the second, 02/06/2021, is now 2 June, not 6 February
    assert after.interactions["timestamp"].iloc[1] == 1622592000 and before.interactions["timestamp"].iloc[1] == 1612569600
