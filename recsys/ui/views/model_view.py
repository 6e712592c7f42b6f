"""The Model page's architecture view: the trained network layer by layer (grouped into the
embedding, interaction and output stages of ``recsys.model.build``) with its parameters, and the
kinds of item vectors its embedding map offers (the map: ``summary_view.render_embedding_maps``)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from recsys.model.stages import EMBEDDING_LAYERS, INTERACTION_LAYERS, OUTPUT_LAYERS

__all__ = [
    "FULL_ITEM",
    "ID_EMBEDDING",
    "STAGES",
    "VECTOR_KINDS",
    "layer_table",
    "render_layers",
    "stage_of",
]

STAGES = ("input", "embedding", "interaction", "output", "plumbing")
STAGE_TEXT = {
    "embedding": "turns item ids, categories, numbers, text vectors, positions and user attributes into vectors",
    "interaction": "causal self-attention over the history, and target attention from each candidate to it",
    "output": "combines user, candidate and context into one score per candidate",
}
# Layers of a Transformer block that are not named in stages.py's stage lists.
_BLOCK_PARTS = re.compile(
    r"^(attention_(norm|dropout|residual)|ffn_\w+|block_padding)_\d+$|^causal_mask$|^target_mask$"
)


def _pattern(names) -> re.Pattern:
    return re.compile("^(" + "|".join(re.escape(n).replace(r"\{i\}", r"\d+") for n in names) + ")$")


_NAMED = {
    "embedding": _pattern(EMBEDDING_LAYERS),
    "interaction": _pattern(INTERACTION_LAYERS),
    "output": _pattern(OUTPUT_LAYERS),
}


def stage_of(layer) -> str:
    """``input``, ``embedding``, ``interaction``, ``output`` or ``plumbing`` (masks, reshapes, dropout)."""
    name = layer.name
    for stage, pattern in _NAMED.items():
        if pattern.match(name):
            return stage
    kind = type(layer).__name__
    if kind == "InputLayer":
        return "input"
    if kind == "LookupTable":  # frozen per-item tables (categories, numbers, text vectors)
        return "embedding"
    return "interaction" if _BLOCK_PARTS.match(name) else "plumbing"


def _shape(shape) -> str:
    dims = ["batch" if j == 0 and d is None else ("*" if d is None else str(d)) for j, d in enumerate(shape)]
    return "[" + ", ".join(dims) + "]"


def output_shape(layer) -> str:
    """``[batch, 50, 64]`` (``*``: varies with the number of items scored); several outputs joined
    with `` + ``; ``–`` when unknown."""
    try:
        out = layer.output
    except (AttributeError, ValueError):
        return "–"
    outs = out if isinstance(out, list | tuple) else [out]
    return " + ".join(_shape(o.shape) for o in outs if hasattr(o, "shape")) or "–"


def layer_table(model) -> pd.DataFrame:
    """One row per layer in graph order: ``stage, layer, type, output shape, parameters, trainable``."""
    rows = []
    for layer in model.layers:
        trainable = int(sum(np.prod(w.shape) for w in layer.trainable_weights))
        rows.append(
            {
                "stage": stage_of(layer),
                "layer": layer.name,
                "type": type(layer).__name__,
                "output shape": output_shape(layer),
                "parameters": int(layer.count_params()),
                "trainable": trainable,
            }
        )
    return pd.DataFrame(rows)


ID_EMBEDDING = "learned id embedding"
FULL_ITEM = "full item vector"
VECTOR_KINDS = {
    FULL_ITEM: "the item as the model sees it: id embedding plus its categories, numbers and text "
    "(`candidate_embedding`)",
    ID_EMBEDDING: "the learned id embedding alone (`item_embedding`); what the model learned from interactions only",
}


def render_layers(table: pd.DataFrame) -> None:
    """One expander-free table per stage, the plumbing layers in an expander."""
    config = {
        "parameters": st.column_config.NumberColumn(format="localized"),
        "trainable": st.column_config.NumberColumn(format="localized"),
    }
    columns = ["layer", "type", "output shape", "parameters", "trainable"]
    for stage in ("embedding", "interaction", "output"):
        part = table[table["stage"] == stage]
        st.markdown(f"**{stage.capitalize()} stage** ({part['parameters'].sum():,} parameters): {STAGE_TEXT[stage]}.")
        st.container(key=f"layers_{stage}").dataframe(
            part[columns], hide_index=True, column_config=config, height="content"
        )
    rest = table[table["stage"].isin(["input", "plumbing"])]
    with st.expander(f"Inputs and plumbing ({len(rest)} layers: masks, reshapes, dropout, sums)"):
        st.container(key="layers_other").dataframe(
            rest[["stage", *columns]], hide_index=True, column_config=config, height="content"
        )
    st.caption("Shapes: batch = users in one call; * = varies with the number of items scored in the call.")
