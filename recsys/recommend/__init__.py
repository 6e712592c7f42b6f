"""Recommendations from a trained model: top-K by raw ids for one user (``Recommender``) or for
every user streamed to a file (``recommend_all_users``)."""

from recsys.recommend.batch import RECS_COLUMNS, RECS_SCHEMA, recommend_all_users
from recsys.recommend.recommender import Recommender

__all__ = ["RECS_COLUMNS", "RECS_SCHEMA", "Recommender", "recommend_all_users"]
