"""The documented item-text template on a tiny items table."""

from __future__ import annotations

from types import SimpleNamespace

from recsys.data import IdEncoder, load_items
from recsys.text import compose_item_text, item_table_texts, item_texts

ITEMS_CSV = (
    b"item_id,title,description,genres,provider\n"
    b"10,Star Run,Rebels race across the galaxy,Sci-Fi|Action,Bluefin\n"
    b"11,Bread Days,,Documentary,unknown\n"
    b"12,,A quiet film.,,Harbor\n"
)


def test_template_by_hand():
    assert compose_item_text("Star Run", "Rebels race", {"genres": ["Sci-Fi", "Action"], "provider": "Bluefin"}) == (
        "Star Run. Rebels race. Genres: Sci-Fi, Action. Provider: Bluefin."
    )
    # empty parts, 'unknown' and auto-generated flag names (headerless files) are left out
    assert compose_item_text("Toy Story (1995)", "", {"genres": ["column_7", "Comedy"], "release_year": "unknown"}) == (
        "Toy Story (1995). Genres: Comedy."
    )


def test_item_table_texts_follow_the_template():
    table, _ = load_items(ITEMS_CSV)
    assert item_table_texts(table) == [
        "Star Run. Rebels race across the galaxy. Genres: Sci-Fi, Action. Provider: Bluefin.",
        "Bread Days. Genres: Documentary.",
        "12. A quiet film. Provider: Harbor.",  # no title: the id stands in
    ]


def test_item_texts_in_index_order_with_ids_for_items_without_metadata():
    table, _ = load_items(ITEMS_CSV)
    dataset = SimpleNamespace(items=table, item_encoder=IdEncoder("item").fit(["11", "99", "10"]))
    texts = item_texts(dataset)
    assert texts[0].startswith("Bread Days.") and texts[1] == "99" and texts[2].startswith("Star Run.")
    assert item_texts(SimpleNamespace(items=None, item_encoder=dataset.item_encoder)) == ["11", "99", "10"]
