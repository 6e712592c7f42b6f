"""Training on several devices or machines with TensorFlow's own engine (``tf.distribute``).

RecLens runs no cluster of its own: ``default`` is TensorFlow's single-device strategy,
``mirrored`` copies the model onto every local device (``MirroredStrategy``) and ``multiworker``
runs one process per machine that all-reduce gradients every step
(``MultiWorkerMirroredStrategy``), the cluster described by the ``TF_CONFIG`` environment
variable of each process::

    TF_CONFIG='{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}'

Every worker runs the same command on the same data; worker 0 (the chief) writes the run.
"""

from __future__ import annotations

import json
import os
import resource
import sys

import tensorflow as tf

from recsys.errors import RecLensError

__all__ = ["STRATEGIES", "make_strategy", "is_multi_worker", "is_chief", "worker_out", "adapt_trainer", "peak_memory_mb",
           "NO_TF_CONFIG", "UNKNOWN_STRATEGY"]

STRATEGIES = ("default", "mirrored", "multiworker")
UNKNOWN_STRATEGY = "Unknown strategy '{name}'. Choose one of: default, mirrored, multiworker."
NO_TF_CONFIG = (
    "--strategy multiworker needs the TF_CONFIG environment variable on every worker, e.g. "
    'TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}\' '
    "(the same cluster list everywhere, each worker its own index). See the README, 'Scaling up'."
)


def make_strategy(name: str = "default") -> tf.distribute.Strategy:
    """The ``tf.distribute`` strategy called ``name`` (one of ``STRATEGIES``).

    Raises:
        RecLensError: an unknown name, or ``multiworker`` without ``TF_CONFIG``.
    """
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        if not os.environ.get("TF_CONFIG"):
            raise RecLensError(NO_TF_CONFIG)
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise RecLensError(UNKNOWN_STRATEGY.format(name=name))


def is_multi_worker(strategy: tf.distribute.Strategy | None) -> bool:
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)


def is_chief() -> bool:
    """Worker 0 (or no cluster at all): the process that writes results."""
    task = json.loads(os.environ.get("TF_CONFIG") or "{}").get("task", {})
    return task.get("type", "worker") in ("worker", "chief") and int(task.get("index", 0)) == 0


def adapt_trainer(trainer, strategy: tf.distribute.Strategy, element_spec) -> None:
    """Let Keras 3 ``Model.fit`` run ``trainer`` under ``strategy`` exactly as on one device.

    - Under a strategy, Keras builds the optimizer and loss state before the first step from a
      batch it takes off a fresh iterator of the dataset and all-reduces. That costs one
      iteration of the dataset, so every shuffled epoch would differ from single-device training,
      and the all-reduce fails under ``MultiWorkerMirroredStrategy`` (keras-team/keras#20585).
      Only shapes matter there, so the state is built here from ``element_spec`` instead.
    - Under ``MultiWorkerMirroredStrategy`` the per-step logs (scalars) are averaged with
      ``strategy.reduce("MEAN", axis=0)``, which fails on rank-0 tensors; they get a length-1 axis.

    Both failures reproduced with Keras 3.15 / TF 2.21. Only this trainer object is changed;
    gradients, their all-reduce and the loss scaling by the number of replicas are Keras' and
    TensorFlow's own.
    """
    if strategy is tf.distribute.get_strategy() and not tf.distribute.has_strategy():
        return
    with strategy.scope():
        trainer._symbolic_build(data_batch=element_spec)
    trainer._maybe_symbolic_build = lambda iterator=None, data_batch=None: None
    if is_multi_worker(strategy):
        step = trainer.train_step
        trainer.train_step = lambda data: {k: tf.reshape(v, [1]) for k, v in step(data).items()}


def worker_out(out) -> str:
    """Where a non-chief worker writes its copy of the run: ``OUT-worker<i>``."""
    task = json.loads(os.environ.get("TF_CONFIG") or "{}").get("task", {})
    return f"{str(out).rstrip('/')}-worker{int(task.get('index', 0))}"


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB (``ru_maxrss``)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KB on Linux
