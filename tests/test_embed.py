"""Embeddings: a trained network's activations, as features for another dataset."""

import copy

import numpy as np
import pytest
import yaml

from genrepipe.config.params import validate
from genrepipe.core.errors import ParameterError
from genrepipe.models.embedder import compute_embedding
from genrepipe.pipeline.embed import embed_all
from genrepipe.pipeline.evaluate import evaluate_run

from conftest import (ROOT, download_stage, seed_with_every_split, segment_stage, train_stage,
                      transform_stage)


MEL = {"n_mels": 32, "n_fft": 256, "hop_length": 128}
CNN = {"filters": [4, 8], "kernel_size": 3, "dense": 12, "epochs": 2, "batch_size": 8}


def _pipeline(root, genres, transforms, runs, models, embeddings=None):
    raw = copy.deepcopy(yaml.safe_load((ROOT / "params.yaml").read_text()))
    raw.update(sample_rate=8000, window=1, seed=seed_with_every_split(genres, 3), transforms=transforms,
               runs=runs, models=models, embeddings=embeddings or {})
    raw["dataset"]["demo"].update(songs_per_genre=3, duration=3, genres=genres)
    params = validate(raw)
    download_stage(params, root / "raw", jobs=2)
    segment_stage(params, root / "raw", root / "windows", jobs=2)
    for name in params.transforms:
        transform_stage(name, params, root / "windows", root / name, jobs=1)
    for name, settings in params.embeddings.items():
        embed_all(name, settings, root / "windows", root / name)
    for name, run in params.runs.items():
        train_stage(name, params, root / run.transform, root / f"models/{name}", root / f"curves/{name}")
    return params


@pytest.fixture(scope="module")
def source_run(tmp_path_factory):
    """A cnn2d trained on one 'dataset' (three demo genres)."""
    root = tmp_path_factory.mktemp("source")
    _pipeline(root, ["disco", "jazz", "metal"], {"mel": MEL},
              {"cnn2d-mel": {"model": "cnn2d", "transform": "mel"}}, {"cnn2d": CNN})
    return root / "models/cnn2d-mel"


def test_embedding_of_windows(source_run):
    windows = np.random.default_rng(0).normal(0, 0.1, (5, 8000)).astype(np.float32)
    params = {"model": str(source_run), "layer": "embedding"}
    out = compute_embedding("e", windows, 8000, params)
    assert out.shape == (5, 12) and out.dtype == np.float32 and np.isfinite(out).all()
    loop = np.stack([compute_embedding("e", w[None], 8000, params)[0] for w in windows])
    np.testing.assert_allclose(out, loop, rtol=1e-5, atol=1e-6)
    # the windows are resampled to the run's rate when the pipeline's differs
    assert compute_embedding("e", np.zeros((2, 16000), np.float32), 16000, params).shape == (2, 12)


def test_embed_errors(source_run, tmp_path):
    windows = np.zeros((2, 8000), np.float32)
    with pytest.raises(ParameterError, match="^params.yaml: embeddings.e.layer='nope' is not a "
                                             "layer of .*; expected one of: "):
        compute_embedding("e", windows, 8000, {"model": str(source_run), "layer": "nope"})
    with pytest.raises(ParameterError, match=r"^params.yaml: window=1.5 does not fit "
                                             r"embeddings.e.model: run 'cnn2d-mel' takes 1 s windows "
                                             r"\(8000 samples at 8000 Hz\); expected 1 \(and a hop\)"):
        compute_embedding("e", np.zeros((2, 12000), np.float32), 8000, {"model": str(source_run), "layer": "embedding"})
    with pytest.raises(ParameterError, match="^params.yaml: embeddings.e.model=.* is not a "
                                             "genrepipe model folder .* nor a .keras file; expected"):
        compute_embedding("e", windows, 8000, {"model": str(tmp_path), "layer": "embedding"})


def test_a_bare_keras_file_with_its_input_transform(source_run):
    windows = np.random.default_rng(1).normal(0, 0.1, (3, 8000)).astype(np.float32)
    bare = {"model": str(source_run / "model.keras"), "layer": "embedding",
            "input": {"transform": "mel", **MEL, "top_db": 80.0}}
    assert compute_embedding("e", windows, 8000, bare).shape == (3, 12)


def test_embedding_params_are_checked(raw_params):
    embeddings = raw_params["embeddings"] = {}
    embeddings["e"] = {"model": "m.keras", "layer": "x", "input": {"transform": "cqt"}}
    with pytest.raises(ParameterError, match="embeddings.e.input.transform='cqt' is not allowed"):
        validate(raw_params)
    embeddings["e"] = {"model": "m.keras", "layer": "x", "input": {"transform": "mel", "n_mels": 0}}
    with pytest.raises(ParameterError, match="embeddings.e.input.n_mels=0 is out of range"):
        validate(raw_params)
    embeddings["e"] = {"layer": "x"}
    with pytest.raises(ParameterError, match="embeddings.e.model=None is missing"):
        validate(raw_params)
    embeddings.clear()
    embeddings["mel"] = {"model": "m.keras", "layer": "x"}
    with pytest.raises(ParameterError, match="embeddings.mel=.* has the name of a transform"):
        validate(raw_params)


def test_transfer_to_another_dataset(source_run, tmp_path):
    """Embeddings of the source run feed an SVM on a different set of genres."""
    _pipeline(tmp_path, ["classical", "rock"], {"mel": MEL},
              {"svc-cnn": {"model": "svc", "transform": "cnn"}}, {"svc": {"C": 1.0}},
              embeddings={"cnn": {"model": str(source_run), "layer": "embedding"}})
    features = np.load(tmp_path / "cnn" / "classical.00000.npy")
    assert features.shape == (3, 12)
    metrics = evaluate_run("svc-cnn", tmp_path / "models/svc-cnn", tmp_path / "cnn", tmp_path / "metrics")
    assert metrics["test"]["n_songs"] == 2
