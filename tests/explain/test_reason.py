"""The plain-language reason names what drives the score, in the data's own words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shap

from recsys.data import load_dataset
from recsys.data.spec import ColumnSpec
from recsys.explain.reason import ReasonContext, plain_reason, reason_context

HISTORY = shap.Explanation(values=np.array([0.1, 2.0, 0.8]), base_values=0.0, feature_names=["A", "B", "C"])


def side(name: str, value: str, shap_value: float = 1.5) -> shap.Explanation:
    return shap.Explanation(values=np.array([shap_value, 0.1]), base_values=0.0,
                            data=np.array([value, "F"], dtype=object), feature_names=[name, "your gender"])


def test_shared_genres_are_named_with_how_many_history_items_have_them():
    context = ReasonContext(shared={"item genres": (["Sci-Fi", "Thriller"], 12)}, history_size=50)
    reason = plain_reason(HISTORY, side("item genres", "Sci-Fi, Thriller, War"), context=context)
    assert reason == "Because you chose 'B' and 'C', and it is Sci-Fi and Thriller, like 12 of your last 50 items."


def test_generated_column_names_are_never_quoted():
    reason = plain_reason(HISTORY, side("item genres", "column_10, column_18"))
    assert reason == "Because you chose 'B' and 'C', and it gains from its genres."
    named = plain_reason(HISTORY, side("item genres", "Documentary, column_18"))
    assert named.endswith("it gains from its genres (Documentary).")


def test_description_is_claimed_only_when_the_items_have_descriptions():
    described = plain_reason(HISTORY, side("text match", "item text"), context=ReasonContext(text_parts="description"))
    assert described.endswith("and its description matches what you have chosen.")
    titles = plain_reason(HISTORY, side("text match", "item text"), context=ReasonContext(text_parts="title"))
    assert titles.endswith("and its title reads like those of items you have chosen.")
    both = plain_reason(HISTORY, side("text match", "item text"), context=ReasonContext(text_parts="title and genres"))
    assert both.endswith("and its title and genres read like those of items you have chosen.")


def test_a_user_quartile_is_said_in_words():
    reason = plain_reason(HISTORY, side("your age", "q4"))
    assert reason.endswith("and your age (the highest quarter) fits it.")


def _dataset(items_csv: bytes, columns: ColumnSpec | None = None):
    rows = [("u1", i, 1_600_000_000 + 60 * k) for k, i in enumerate(["1", "2", "3", "4"])]
    rows += [("u2", i, 1_600_100_000 + 60 * k) for k, i in enumerate(["2", "3", "4"])]
    return load_dataset(pd.DataFrame(rows, columns=["user", "item", "timestamp"]), items_csv, item_columns=columns)


def test_reason_context_counts_the_history_items_sharing_the_candidates_genres():
    items = b"id,title,genres\n1,One,Drama|War\n2,Two,Drama\n3,Three,Comedy\n4,Four,War|Comedy|Drama\n"
    data = _dataset(items)
    idx = data.item_encoder.transform(["4", "1", "2", "3"])
    context = reason_context(data, int(idx[0]), idx[1:])
    # history One (Drama, War), Two (Drama), Three (Comedy): Drama in 2, Comedy in 1, War in 1; all 3 share one
    assert context.shared["item genres"] == (["Drama", "Comedy", "War"], 3)
    assert context.history_size == 3
    assert context.text_parts == "title and genres"  # no descriptions: the text is titles and genres


def test_reason_context_on_headerless_flags_named_and_unnamed():
    flags = b"1|One|0|1|1\n2|Two|0|1|0\n3|Three|1|0|0\n4|Four|0|0|1\n"
    unnamed = _dataset(flags)
    assert unnamed.items.category_columns == ["genres"]
    assert reason_context(unnamed, 0, np.array([1, 2])).text_parts == "title"  # column_N values say nothing
    named = _dataset(flags, ColumnSpec.from_options(names="id,title,genres[unknown|Drama|War]"))
    idx = named.item_encoder.transform(["1", "2", "3"])
    context = reason_context(named, int(idx[0]), idx[1:])
    assert context.shared["item genres"] == (["Drama"], 1)
    assert context.text_parts == "title and genres"
