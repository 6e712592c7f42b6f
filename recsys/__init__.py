"""RecLens: explainable, fairness-aware recommendation assisted by a pretrained language model.

Data flows one way: ``data -> text / graph -> model -> train -> recommend -> explain / evaluate /
fairness -> cli -> ui``. A stage imports from earlier stages and from the foundation
(``recsys.errors``, ``recsys.output``, ``recsys.ranking``), never from a later one; stages on one
level (``/``) may import each other, without cycles (``tests/test_stage_order.py``).

``text`` (item-text vectors) and ``graph`` (the user-item graph of the training split: LightGCN
vectors, similar users) are the two representations built before the model, which can take both
as inputs; evaluation also runs LightGCN as a baseline. ``model`` scores users' histories against
the catalogue (what training validates with); ``recommend`` turns a trained run into top-K lists
by raw ids. Only ``recsys.ui`` imports streamlit.
"""

from recsys.errors import DataError, NotFittedError, RecLensError

__all__ = ["DataError", "NotFittedError", "RecLensError"]
__version__ = "0.1.0"
