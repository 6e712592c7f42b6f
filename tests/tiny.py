"""A tiny dataset and a trained tiny model shared by the model, train, explain and CLI tests."""

from __future__ import annotations

import numpy as np

from recsys.data import load_dataset
from recsys.data.demo import generate_demo
from recsys.model import ModelConfig
from recsys.train import TrainConfig

TINY_MODEL = ModelConfig(max_len=12, dim=16, heads=2, blocks=2, dropout=0.0, mlp_units=8, target_attention=True)
TINY_TRAIN = TrainConfig(epochs=2, batch_size=32, learning_rate=5e-3, seed=0)


def tiny_frames(n_users: int = 80, n_items: int = 60, seed: int = 1):
    """(interactions, items, users) frames from the demo generator at a tiny size."""
    return generate_demo(n_users=n_users, n_items=n_items, mean_length=15, seed=seed)


def tiny_dataset():
    inter, items, users = tiny_frames()
    return load_dataset(inter, items, users, name="tiny")


def text_vectors(n_items: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n_items, dim)).astype(np.float32)
