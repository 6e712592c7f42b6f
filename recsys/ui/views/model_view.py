"""The Model page's architecture view: the trained network layer by layer (grouped into the
embedding, interaction and output stages of ``recsys.model.build``) with its parameters, and the
kinds of item vectors its embedding map offers (the map: ``summary_view.render_embedding_maps``)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from recsys.model.adaptors import expert_weights, text_inputs
from recsys.model.stages import EMBEDDING_LAYERS, INTERACTION_LAYERS, OUTPUT_LAYERS
from recsys.text.whitening import anisotropy

__all__ = [
    "FULL_ITEM",
    "ID_EMBEDDING",
    "STAGES",
    "VECTOR_KINDS",
    "layer_table",
    "render_layers",
    "render_text_vectors",
    "text_vector_summary",
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


ADAPTOR_TEXT = {
    "dense": "one linear projection (`text_projection`)",
    "whiten": "parametric whitening (`text_adaptor`): a learned bias subtracted, then a linear map",
    "moe": "a mixture of parametric-whitening experts (`text_experts`), mixed per item by a learned gate "
    "(`text_expert_gate`)",
    "residual": "the text vector plus a learned per-item correction (`text_delta`), then `text_projection`",
}


def text_vector_summary(run) -> dict | None:
    """How the run's item text vectors enter the model: ``adaptor``, ``whitening`` (k or None),
    ``raw`` and ``input`` mean pairwise cosine (the anisotropy before and after whitening) and
    ``experts`` ``[N, E]`` gate weights (``moe`` only); None without text vectors."""
    text = run.tables.item_text
    if text is None or not any(layer.name == "item_text" for layer in run.model.layers):
        return None
    names = {layer.name for layer in run.model.layers}
    whitening = run.model.get_layer("text_whitening").dim if "text_whitening" in names else None
    return {
        "adaptor": run.model_config.text_adaptor,
        "whitening": whitening,
        "raw": anisotropy(text[1:]),
        "input": anisotropy(text_inputs(run.model, text)),
        "experts": expert_weights(run.model, text),
    }


def render_text_vectors(run) -> None:
    """The text adaptor in one sentence, the anisotropy before and after whitening, the expert gate."""
    summary = text_vector_summary(run)
    if summary is None:
        st.caption("This run reads no text vectors (no items file, or the text encoder was off).")
        return
    whitened = (
        f"PCA-whitened to {summary['whitening']} dimensions (`text_whitening`, fitted on the catalogue)"
        if summary["whitening"]
        else "not whitened"
    )
    st.markdown(f"Text vectors are {whitened}, then enter the item vectors through {ADAPTOR_TEXT[summary['adaptor']]}.")
    c = st.columns(2)
    c[0].metric(
        "mean cosine between items' text vectors",
        f"{summary['raw']:.3f}",
        help="Sentence-encoder vectors crowd in a narrow cone: most pairs look alike. 0 = spread evenly.",
    )
    c[1].metric(
        "… as the adaptor reads them",
        f"{summary['input']:.3f}",
        help="After whitening (if on): the centred, decorrelated vectors the adaptor reads.",
    )
    weights = summary["experts"]
    if weights is not None:
        leads = np.bincount(weights.argmax(1), minlength=weights.shape[1])
        st.container(key="text_experts").dataframe(
            pd.DataFrame(
                {
                    "expert": np.arange(1, weights.shape[1] + 1),
                    "mean gate weight": weights.mean(0),
                    "items it leads": leads,
                }
            ),
            hide_index=True,
            height="content",
        )
