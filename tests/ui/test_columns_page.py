"""AppTest of the Data page's column tables: naming headerless side files, a flag group with its
values, types, the encoding, and dropping a side file that belongs to other data."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from recsys.data import ColumnSpec, FlagGroup
from recsys.errors import Msg
from recsys.ui.session import state
from recsys.ui.session.loading import Choice, Source
from recsys.ui.views.columns_view import VALUES_MISMATCH
from tests.ui.helpers import N_ITEMS, N_USERS, make_interactions_csv, unescape

FLAGS = ["1|0|1", "0|1|0", "0|0|1", "1|1|0", "0|1|1"]


def headerless_items(n_items: int = N_ITEMS) -> bytes:
    """``id|title|3 flags``, no header, latin-1 (the first flag column stands for 'unknown')."""
    rows = [f"s{i}|Caf\u00e9 {i}|{FLAGS[i % len(FLAGS)]}" for i in range(1, n_items + 1)]
    return ("\n".join(rows) + "\n").encode("latin-1")


def headerless_users(n_users: int = N_USERS) -> bytes:
    """``id|age|gender|zip`` with zips that have leading zeros and letters, no header."""
    rows = [f"c{u}|{20 + u}|{'MF'[u % 2]}|{'T8H1N' if u == 3 else f'0{u:03d}2'}" for u in range(1, n_users + 1)]
    return ("\n".join(rows) + "\n").encode()


def open_page(app: AppTest, **side: bytes) -> AppTest:
    sources = {"interactions": Source("ratings.csv", make_interactions_csv())}
    sources |= {kind: Source(f"u.{kind[:-1]}", data) for kind, data in side.items()}
    app.session_state[state.SOURCES] = sources
    return app.switch_page("app_pages/data.py").run()


def edit(at: AppTest, kind: str, rows: dict) -> None:
    """What the data editor sends when the user edits cells: ``{row: {column: value}}``."""
    generation = at.session_state[state.COLUMNS_GENERATION] if state.COLUMNS_GENERATION in at.session_state else 0
    at.session_state[state.columns_key(kind, generation)] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}


def loaded(at: AppTest):
    return at.session_state[state.LOADED]


def test_headerless_items_get_names_a_flag_group_and_an_encoding(app: AppTest):
    at = open_page(app, items=headerless_items())
    assert not at.exception and not at.error, [e.value for e in at.error]
    genres = loaded(at).dataset.items.frame["genres"]
    assert genres["s5"] == ["column_3", "column_5"]  # unnamed: the flags' column names (s5 has 1|0|1)
    info = unescape(at.info[-1].value)
    assert info.startswith("Columns column_3 to column_5 (3) hold only 0 and 1: they are read as ONE multi-valued")
    assert at.text_input(key=state.FLAG_VALUES["items"]).value == "column_3, column_4, column_5"

    edit(at, "items", {0: {"name": "id"}, 1: {"name": "title"}})
    at.text_input(key=state.FLAG_GROUP["items"]).set_value("moods")
    at.text_input(key=state.FLAG_VALUES["items"]).set_value("unknown, calm, dark")
    at.selectbox(key=state.ENCODING["items"]).set_value("latin-1")
    at.button(key=state.COLUMNS_APPLY["items"]).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    spec = loaded(at).key[1].item_columns
    assert spec == ColumnSpec(names=("id", "title", "unknown", "calm", "dark"),
                              flags=(FlagGroup("moods", ("unknown", "calm", "dark")),), encoding="latin-1")
    items = loaded(at).dataset.items
    assert items.category_columns == ["moods"]
    assert items.frame.loc["s5", "moods"] == ["dark"]  # 1|0|1: 'unknown' is no category
    assert items.frame.loc["s1", "moods"] == ["calm"]  # 0|1|0
    assert items.frame.loc["s1", "title"] == "Café 1"
    assert not [c for c in items.frame.columns if c.startswith("column_")]
    notes = loaded(at).dataset.reports["items"].notes
    assert "encoding set to latin-1" in notes and not any("not valid UTF-8" in n for n in notes)
    assert at.code[-1].value == ('--item-names "id,title,moods[unknown|calm|dark]" --item-encoding latin-1')
    # the table now shows the names in use, and applying it unchanged keeps the same choice
    assert at.text_input(key=state.FLAG_VALUES["items"]).value == "unknown, calm, dark"
    at.button(key=state.COLUMNS_APPLY["items"]).click().run()
    assert loaded(at).key[1].item_columns == spec


def test_users_zip_codes_named_and_typed(app: AppTest):
    at = open_page(app, users=headerless_users())
    users = loaded(at).dataset.users
    assert users.frame.loc["c1", "column_4"] == "00012"  # a code: leading zero kept, not a number
    edit(at, "users", {1: {"name": "age"}, 2: {"name": "gender"}, 3: {"name": "zip", "type": "ignore"}})
    at.button(key=state.COLUMNS_APPLY["users"]).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    users = loaded(at).dataset.users
    assert users.attributes == ["gender", "age"] and users.schema.ignored == {"zip": "type set to ignore"}
    assert loaded(at).key[1].user_columns.types == (("zip", "ignore"),)


def test_an_id_column_chosen_in_the_selectbox_follows_its_new_name(app: AppTest):
    at = open_page(app, items=headerless_items())
    at.session_state[state.MAPPING] = (loaded(at).key[0], Choice(item_id="column_1"))
    at.run()
    edit(at, "items", {0: {"name": "sku"}, 1: {"name": "title"}})
    at.button(key=state.COLUMNS_APPLY["items"]).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert loaded(at).key[1].item_id == "sku" and loaded(at).dataset.items.schema.id == "sku"
    assert at.selectbox(key=state.ITEM_ID).value == "sku"


def test_a_wrong_number_of_flag_values_is_a_clear_message(app: AppTest):
    at = open_page(app, items=headerless_items())
    at.text_input(key=state.FLAG_VALUES["items"]).set_value("calm, dark")
    at.button(key=state.COLUMNS_APPLY["items"]).click().run()
    assert VALUES_MISMATCH.format(given=2, count=3) in [unescape(e.value) for e in at.error]
    assert loaded(at).key[1].item_columns is None  # nothing applied


def test_a_side_file_of_other_data_is_warned_about_and_can_be_dropped(app: AppTest):
    other = b"item,title\n" + b"".join(f"x{i},Other {i}\n".encode() for i in range(40)) + b"s1,Title 1\n"
    at = open_page(app, items=other)
    message = Msg.FEW_SIDE_IDS_MATCH.format(share=0.1, kind="item", hit=1, total=N_ITEMS, name="u.item")
    assert message in [unescape(w.value) for w in at.warning]
    at.button(key=state.DROP_SIDE["items"]).click().run()
    assert not at.exception and not at.error
    assert "items" not in at.session_state[state.SOURCES]
    assert loaded(at).dataset.items is None and loaded(at).dataset.name == "ratings.csv"
    assert loaded(at).key[1] == Choice()
    assert not at.warning
