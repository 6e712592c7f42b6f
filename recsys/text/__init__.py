"""Large-model assistance: pretrained Transformer item-text vectors, cache, fallback, search.

Each item's text (title, categories, description: ``item_text``) becomes a unit vector of a
pretrained sentence encoder (all-MiniLM-L6-v2 in Keras, ``encoder``), cached on disk by text and
checkpoint (``cache``); without the checkpoint TF-IDF vectors stand in, with a notice the app
shows (``fallback``). The vectors (optionally PCA-whitened, ``whitening``) feed the model's text
adaptor, the cold-start ranking of new items, and semantic search (``search``). ARCHITECTURE.md
places this stage in the data flow.

Importing this package is cheap: TensorFlow and ``keras_hub`` load with the model, on the first
``encode``.
"""

from recsys.text.cache import EmbeddingCache, default_cache_dir, text_keys
from recsys.text.embed import TextVectors, embed_items, embed_texts, encode_items, load_encoder
from recsys.text.encoder import (
    DEFAULT_MODEL_NAME,
    EncoderLoadError,
    MiniLMEncoder,
    TransformerTextEncoder,
    checkpoint_fingerprint,
    default_checkpoint,
)
from recsys.text.fallback import TfidfTextEncoder
from recsys.text.item_text import TEMPLATE, compose_item_text, item_table_texts, item_texts
from recsys.text.messages import TextMsg
from recsys.text.search import (
    cosine_scores,
    items_like_item,
    items_like_text,
    query_vector,
    recommend_from_text,
    similar_items,
    text_to_history_scores,
)
from recsys.text.whitening import Whitening, anisotropy, fit_whitening

__all__ = [
    "DEFAULT_MODEL_NAME",
    "TEMPLATE",
    "EmbeddingCache",
    "EncoderLoadError",
    "MiniLMEncoder",
    "TextMsg",
    "TextVectors",
    "TfidfTextEncoder",
    "TransformerTextEncoder",
    "Whitening",
    "anisotropy",
    "checkpoint_fingerprint",
    "compose_item_text",
    "cosine_scores",
    "default_cache_dir",
    "default_checkpoint",
    "embed_items",
    "embed_texts",
    "encode_items",
    "fit_whitening",
    "item_table_texts",
    "item_texts",
    "items_like_item",
    "items_like_text",
    "load_encoder",
    "query_vector",
    "recommend_from_text",
    "similar_items",
    "text_keys",
    "text_to_history_scores",
]
