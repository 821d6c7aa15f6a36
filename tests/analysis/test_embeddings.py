"""Sentence embeddings: the ONNX fast path gives sentence-transformers' vectors (the packaged
MiniLM, exported once into a fresh cache), and falls back to sentence-transformers when the
export cannot be made."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sentence_transformers", reason="needs coulisses[embeddings]")
pytest.importorskip("onnx", reason="needs coulisses[embeddings]")

from coulisses.analysis import embedding_onnx
from coulisses.analysis.embeddings import Embedder, model_location
from coulisses.settings import load_settings

SENTENCES = [
    "The music in the trailer is amazing",
    "La fin doit être heureuse pour le héros",
    "Quand sort la vidéo ? 😍😍",
    "worst cover ever, the red one looks cheap tbh",
    "Which song is playing at 0:42??",
    "J'adore les coulisses du tournage, merci de nous montrer tout ça !",
    "ok",
    "",
    # longer than the model's 256 tokens: both paths cut it at the same place
    " ".join(["the shoot by the sea was long but the light was worth every minute"] * 30),
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


def test_the_fast_path_gives_sentence_transformers_vectors(cache: Path) -> None:
    from sentence_transformers import SentenceTransformer

    settings = load_settings(env={"COULISSES_CACHE_DIR": str(cache)})
    embedder = Embedder(settings)
    fast = embedder.encode(SENTENCES)
    assert embedder.engine == "onnx", embedder.fallback_reason
    exported = list((cache / "models").glob("embeddings-*/model.onnx"))
    assert len(exported) == 1 and not list(cache.rglob("*.part*"))  # atomic, nothing left
    reference = SentenceTransformer(model_location(settings), device="cpu").encode(
        SENTENCES, normalize_embeddings=True)
    cosine = np.sum(fast * reference, axis=1)
    assert cosine.min() >= 0.999  # measured 0.9999999: the same network, float32 both ways
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    # order does not matter (batches are sorted by length inside)
    again = embedder.encode(SENTENCES[::-1])[::-1]
    assert np.allclose(again, fast, atol=1e-5)
    # texts the uncased tokenizer reads alike are one input: the same vector, as torch gives
    alike = ["Trop bien, la fin !", "TROP BIEN, LA FIN !", "trop bien, la fin !"]
    vectors = embedder.encode(alike)
    assert np.array_equal(vectors[0], vectors[1]) and np.array_equal(vectors[0], vectors[2])
    torch_alike = SentenceTransformer(model_location(settings), device="cpu").encode(
        alike, normalize_embeddings=True)
    assert np.sum(vectors * torch_alike, axis=1).min() >= 0.999
    # a second embedder reuses the cached export
    stamp = exported[0].stat().st_mtime_ns
    other = Embedder(settings)
    other.encode(["hello"])
    assert other.engine == "onnx" and exported[0].stat().st_mtime_ns == stamp


def test_an_unwritable_cache_falls_back_to_sentence_transformers(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    embedder = Embedder(load_settings(env={"COULISSES_CACHE_DIR": str(blocker)}))
    vectors = embedder.encode(SENTENCES[:3])
    assert embedder.engine == "sentence-transformers" and embedder.fallback_reason
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] < vectors[0] @ embedder.encode(
        ["The trailer's music is great"])[0]


def test_only_mean_pooled_local_models_take_the_fast_path(tmp_path: Path) -> None:
    source = Path(model_location(load_settings(env={})))
    assert embedding_onnx.check_model(source) == 256
    copy = tmp_path / "model"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    with pytest.raises(embedding_onnx.Unsupported, match="weights"):
        embedding_onnx.check_model(copy)
    (copy / "model.safetensors").write_bytes(b"")
    pooling = copy / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    pooling.write_text(json.dumps({**config, "pooling_mode_mean_tokens": False,
                                   "pooling_mode_cls_token": True}))
    with pytest.raises(embedding_onnx.Unsupported, match="not mean pooling"):
        embedding_onnx.check_model(copy)
    (copy / "tokenizer.json").unlink()
    with pytest.raises(embedding_onnx.Unsupported, match="tokenizer"):
        embedding_onnx.check_model(copy)
