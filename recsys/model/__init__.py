"""The Keras Transformer recommender with exposed embedding, interaction and output stages."""

from recsys.model.build import build_model, catalogue_model, gated_model, training_model
from recsys.model.config import ModelConfig
from recsys.model.features import PAD, FeatureTables, build_feature_tables, from_model_ids, to_model_ids
from recsys.model.stages import attention_model, embedding_model, interaction_model, output_model

__all__ = [
    "PAD",
    "FeatureTables",
    "ModelConfig",
    "attention_model",
    "build_feature_tables",
    "build_model",
    "catalogue_model",
    "embedding_model",
    "from_model_ids",
    "gated_model",
    "interaction_model",
    "output_model",
    "to_model_ids",
    "training_model",
]
