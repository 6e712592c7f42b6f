"""Session fixtures shared across the test tree: a tiny dataset and one tiny trained model
(trained once per session; model, train and explain tests reuse it)."""

import pytest

from recsys.data import leave_last_out
from recsys.train import fit
from tests.tiny import TINY_MODEL, TINY_TRAIN, text_vectors, tiny_dataset


@pytest.fixture(scope="session")
def dataset():
    return tiny_dataset()


@pytest.fixture(scope="session")
def split(dataset):
    return leave_last_out(dataset.interactions)


@pytest.fixture(scope="session")
def trained(dataset, split):
    """A tiny model with text vectors, item features and user attributes, trained 2 epochs."""
    return fit(dataset, split, TINY_MODEL, TINY_TRAIN, text_vectors=text_vectors(dataset.n_items))
