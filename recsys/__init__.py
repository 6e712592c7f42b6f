"""RecLens: explainable, fairness-aware recommendation assisted by a pretrained language model.

Data flows one way: ``data -> text -> model -> train -> recommend -> explain / evaluate /
fairness -> ui``. Only ``recsys.ui`` imports streamlit.
"""

from recsys.errors import DataError, NotFittedError, RecLensError

__all__ = ["DataError", "NotFittedError", "RecLensError"]
__version__ = "0.1.0"
