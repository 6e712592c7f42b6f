"""The demo generator scaled to an exact number of interactions (benchmarks/scale.py). The default
output is pinned byte for byte by tests/test_cli.py::test_demo_data_is_byte_for_byte_reproducible."""

from recsys.data.demo import generate_demo


def test_n_interactions_gives_exactly_that_many():
    inter, items, users = generate_demo(n_items=200, mean_length=20, seed=5, n_interactions=3000)
    assert len(inter) == 3000 and len(items) == 200
    assert set(inter["user_id"]) == set(users["user_id"])  # users after the cut are left out
    assert not inter.duplicated(["user_id", "item_id"]).any()  # still no repeats within a user

