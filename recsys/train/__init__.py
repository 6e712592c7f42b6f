"""Training: windows over user histories, the fit loop, saving and loading runs."""

from recsys.train.config import INPUT_PIPELINES, LOSSES, TrainConfig
from recsys.train.distributed import STRATEGIES, make_strategy
from recsys.train.fit import MaskedSoftmaxCE, TrainResult, fit, set_seed
from recsys.train.run import Run, list_runs, load_run, save_run
from recsys.train.windows import Windows, last_items, make_windows, user_sequences

__all__ = [
    "INPUT_PIPELINES",
    "LOSSES",
    "STRATEGIES",
    "MaskedSoftmaxCE",
    "Run",
    "TrainConfig",
    "TrainResult",
    "Windows",
    "fit",
    "last_items",
    "list_runs",
    "load_run",
    "make_strategy",
    "make_windows",
    "save_run",
    "set_seed",
    "user_sequences",
]
