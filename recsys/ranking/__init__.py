"""Pure NumPy over score matrices and ranked lists: top-K selection (``recsys.ranking.topk``) and
ranking metrics (``recsys.ranking.metrics``).

A foundation like ``recsys.errors`` and ``recsys.output``: it imports no other RecLens package,
so every stage may use it (training and LightGCN validate with it, baselines tune with it,
recommendation, evaluation and fairness rank and measure with it).
"""

from recsys.ranking.topk import top_k

__all__ = ["top_k"]
