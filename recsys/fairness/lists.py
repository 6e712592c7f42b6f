"""The audited users' recommendation lists, scored once and shared by every part of the audit.

Scoring the whole catalogue for every test user is the slow step of an audit; the group
metrics (for any user attribute), item exposure and the re-ranking sweep only read the lists.
``audit_lists`` makes them once, so an app can audit several attributes without re-scoring.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recsys.data.dataset import Dataset
from recsys.data.split import Split, make_split, split_record
from recsys.errors import DataError
from recsys.fairness.candidates import score_candidates
from recsys.fairness.groups import history_matrix, item_popularity
from recsys.fairness.messages import FairnessMsg

__all__ = ["AuditLists", "audit_lists", "test_users"]


def test_users(split: Split) -> tuple[np.ndarray, np.ndarray]:
    """``([U] users with a test item, [U] their test items)``, users in index order.

    Raises:
        DataError: no user has a test item.
    """
    if split.test.empty:
        raise DataError(FairnessMsg.NO_TEST_USERS)
    first = split.test.groupby("user_idx", sort=True)["item_idx"].first()  # leave-one-out splits: one each
    return first.index.to_numpy(), first.to_numpy()


test_users.__test__ = False  # not a pytest test, despite the name


@dataclass
class AuditLists:
    """The audited users' top-N candidates and what every part of the audit reads with them.

    Attributes:
        users: ``[U]`` user indices with a test item.
        relevant: ``[U]`` their held-out test items.
        candidates: ``[U, C]`` top-C item indices from the user's train + validation history, best
            first (-1 = empty slot); the top-K lists are the first K columns.
        scores: ``[U, C]`` their scores (re-rankers weigh them).
        history: The train + validation interactions the lists were made from.
        hist: ``[U, N]`` binary history matrix of the users.
        popularity: ``[N]`` distinct users per item in ``history``.
        split: The split the lists come from (``recsys.data.split.split_record``).
    """

    users: np.ndarray
    relevant: np.ndarray
    candidates: np.ndarray
    scores: np.ndarray
    history: pd.DataFrame
    hist: sp.csr_matrix
    popularity: np.ndarray
    split: dict = field(default_factory=dict)

    @property
    def n_items(self) -> int:
        return self.hist.shape[1]

    def ranked(self, k: int) -> np.ndarray:
        """``[U, k]`` the model's top-``k`` (its own order).

        Raises:
            DataError: ``k`` is not between 1 and the number of candidates.
        """
        if not 1 <= k <= self.candidates.shape[1]:
            raise DataError(FairnessMsg.BAD_K.format(k=k, n=self.candidates.shape[1]))
        return self.candidates[:, :k]


def audit_lists(dataset: Dataset, scorer, *, split: Split | None = None, n_candidates: int = 100) -> AuditLists:
    """Score the catalogue for every user with a test item and keep the top ``n_candidates``.

    Args:
        dataset: The loaded dataset.
        scorer: ``scores(user_idx, history) -> [U, N]`` (``SequenceScorer`` or a baseline).
        split: The split the scorer was trained on (default: ``make_split``'s auto choice for the
            data, seed 0, as ``run_experiment`` makes it with the default settings).
        n_candidates: Candidates kept per user (re-rankers choose among them; K <= this).

    Raises:
        DataError: no user has a test item.
    """
    split = split or make_split(dataset.interactions, "auto", 0, dataset.time_order)
    users, relevant = test_users(split)
    history = pd.concat([split.train, split.valid])
    candidates, scores = score_candidates(scorer, users, history, n_candidates)
    return AuditLists(users, relevant, candidates, scores, history, history_matrix(history, users, dataset.n_items),
                      item_popularity(history, dataset.n_items), split_record(split))
