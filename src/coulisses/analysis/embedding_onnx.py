"""The fast path for sentence embeddings: the local sentence-transformers model exported once
to ONNX and run with onnxruntime, tokenised by ``tokenizers`` from the model's own
``tokenizer.json``, mean-pooled and normalised as its ``1_Pooling`` folder says.

The export (``torch.onnx.export`` of the model's transformer) is written under
``cache_dir/models/embeddings-<weights hash>/model.onnx`` through a temporary name, so a
crashed export never leaves a file that looks finished; later runs load it in a second. Only
a local model folder with mean pooling is exported; anything else raises ``Unsupported`` and
``Embedder`` uses sentence-transformers instead.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from coulisses.output import replacing

WEIGHTS = ("model.safetensors", "pytorch_model.bin")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
BATCH = 64  # texts per run; sorted by length, so a batch pads to its own longest text
OPSET = 17
_CHUNK = 4 * 1024 * 1024


class Unsupported(Exception):
    """The model cannot take the fast path (not a local folder, other pooling, no tokenizer,
    no torch or onnx to export it)."""


def weights_of(folder: Path) -> Path:
    """The model's weights file.

    Raises:
        Unsupported: the folder holds no weights file we know.
    """
    for name in WEIGHTS:
        if (folder / name).is_file():
            return folder / name
    raise Unsupported(f"no weights file in {folder}")


def check_model(folder: Path) -> int:
    """The model's maximum sequence length, once its folder is known to suit the fast path:
    a tokenizer.json, and mean pooling over tokens (``1_Pooling/config.json``).

    Raises:
        Unsupported: something else.
    """
    if not (folder / "tokenizer.json").is_file():
        raise Unsupported(f"no tokenizer.json in {folder}")
    try:
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text("utf-8"))
        config = json.loads((folder / "sentence_bert_config.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise Unsupported(f"unreadable sentence-transformers config in {folder}: {exc}") from None
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v}
    if modes != {"pooling_mode_mean_tokens"}:
        raise Unsupported(f"pooling {sorted(modes)} is not mean pooling")
    weights_of(folder)
    return int(config.get("max_seq_length", 256))


def digest(path: Path) -> str:
    """The first 16 hex digits of the file's SHA-256 (the export's cache key)."""
    found = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            found.update(chunk)
    return found.hexdigest()[:16]


def exported(folder: Path, cache_dir: Path) -> Path:
    """The ONNX export of the model in ``folder``, made once and cached.

    Raises:
        Unsupported: torch, transformers or onnx is missing, or the export failed.
        OSError: the cache folder cannot be written.
    """
    target = cache_dir / "models" / f"embeddings-{digest(weights_of(folder))}" / "model.onnx"
    if target.is_file():
        return target
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise Unsupported(f"exporting needs torch and transformers: {exc}") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    model = AutoModel.from_pretrained(str(folder)).eval()

    class Hidden(torch.nn.Module):
        """The transformer's last hidden state from the three inputs, by name."""

        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    sample = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "hidden")}
    with replacing(target) as tmp, warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's notes on tracing, not our problem
        try:
            torch.onnx.export(Hidden(), (sample, sample, torch.zeros_like(sample)), str(tmp),
                              input_names=list(INPUTS), output_names=["hidden"],
                              dynamic_axes=axes, opset_version=OPSET, dynamo=False)
        except Exception as exc:  # the exporter raises many kinds; all mean "not this way"
            raise Unsupported(f"the ONNX export failed: {exc}") from None
    return target


class OnnxEncoder:
    """Unit-length sentence embeddings from the exported model; same numbers as
    sentence-transformers to float precision (``tests/analysis/test_embeddings.py``)."""

    def __init__(self, folder: Path, cache_dir: Path) -> None:
        """Raises:
            Unsupported: the model cannot take the fast path.
            OSError: the cache folder cannot be written.
        """
        self.max_length = check_model(folder)
        try:
            self.dimension = int(json.loads((folder / "config.json").read_text("utf-8"))
                                 ["hidden_size"])
        except (OSError, ValueError, KeyError) as exc:
            raise Unsupported(f"no hidden_size in {folder / 'config.json'}: {exc}") from None
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise Unsupported(f"the fast path needs onnxruntime and tokenizers: {exc}") from None
        self.path = exported(folder, cache_dir)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.no_padding()  # each batch pads itself, to its longest text
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # threads that spin while waiting steal the CPU from each other on a busy machine:
        # without spinning, 400 comments embedded 10 to 60 % faster here under load
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = ort.InferenceSession(str(self.path), options,
                                                providers=["CPUExecutionProvider"])
        except Exception as exc:  # a damaged cached file: say so, the caller falls back
            raise Unsupported(f"onnxruntime cannot load {self.path}: {exc}") from None

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text, in the order given. Texts the tokenizer reads alike (the
        model is uncased, and it reads most emoji as one unknown token) are the same input to
        the model, so each distinct token sequence runs once; batches are formed by token
        count, so each pads little."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        encoded = self.tokenizer.encode_batch(texts) if texts else []
        first: dict[tuple[int, ...], int] = {}  # token sequence -> its row in ``unique``
        unique: list[Any] = []
        row_of = np.zeros(len(texts), dtype=np.int64)
        for i, e in enumerate(encoded):
            key = (*e.ids, -1, *e.type_ids)
            if key not in first:
                first[key] = len(unique)
                unique.append(e)
            row_of[i] = first[key]
        vectors = np.zeros((len(unique), self.dimension), dtype=np.float32)
        order = sorted(range(len(unique)), key=lambda i: len(unique[i].ids))
        for start in range(0, len(order), BATCH):
            rows = order[start:start + BATCH]
            width = max(len(unique[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            types = np.zeros_like(ids)
            mask = np.zeros_like(ids)
            for r, i in enumerate(rows):
                e = unique[i]
                ids[r, :len(e.ids)] = e.ids
                types[r, :len(e.ids)] = e.type_ids
                mask[r, :len(e.ids)] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": types})[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            vectors[rows] = pooled / norms
        if len(texts):
            out[:] = vectors[row_of]
        return out
