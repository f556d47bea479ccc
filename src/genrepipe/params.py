"""The only reader of params.yaml: loads it, validates every key, and returns a typed view.

Validation runs in full before any stage touches a file, so a typo in a key nobody reads
yet still stops the pipeline with one line naming the key, the value and what is allowed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .errors import ParameterError
from .schema import (AnyMapping, Block, Choice, Either, Flag, ListOf, MapOf, NamedMap, Number,
                     Section, Text, fail)

PARAMS_FILE = "params.yaml"
GENRES = ("blues", "classical", "country", "disco", "hiphop",
          "jazz", "metal", "pop", "reggae", "rock")
SPLITS = ("train", "valid", "test")
DTYPES = ("float32", "float16")


def _int(min=None, max=None, **kw):
    return Number(min=min, max=max, integer=True, **kw)


def _pos(**kw):
    return Number(min=0, min_exclusive=True, **kw)


_DTYPE = Choice(choices=DTYPES, default="float32")
_TOP_DB = Number(min=0, min_exclusive=True, nullable=True, default=80.0)

TRANSFORM_SPECS = {
    "fft": Block(fields={"n_bins": _int(min=1, default=256), "dtype": _DTYPE}),
    "embed": Block(fields={
        "model": Text(),
        "layer": Text(),
        "input": AnyMapping(nullable=True, default=None),
        "dtype": _DTYPE,
    }),
    "waveform": Block(fields={
        "sample_rate": _int(min=1000, max=192000, nullable=True, default=8000),
        "dtype": _DTYPE,
    }),
    "stft": Block(fields={
        "n_fft": _int(min=16, default=1024),
        "hop_length": _int(min=1, default=512),
        "top_db": _TOP_DB,
        "dtype": _DTYPE,
    }),
    "mfcc": Block(fields={
        "n_mfcc": _int(min=1, max=128, default=20),
        "n_mels": _int(min=1, default=128),
        "n_fft": _int(min=16, default=2048),
        "hop_length": _int(min=1, default=512),
        "top_db": _TOP_DB,
        "dtype": _DTYPE,
    }),
    "mel": Block(fields={
        "n_mels": _int(min=1, default=128),
        "n_fft": _int(min=16, default=2048),
        "hop_length": _int(min=1, default=512),
        "top_db": _TOP_DB,
        "dtype": _DTYPE,
    }),
}

# Dimensions of one window's features: fft and waveform give a vector, the others an image
# (bands x frames).
TRANSFORM_RANKS = {"fft": 1, "waveform": 1, "embed": 1, "stft": 2, "mfcc": 2, "mel": 2}
SPECTRAL = ("fft", "stft", "mfcc", "mel")
IMAGES = ("stft", "mfcc", "mel")
# Models trained on one vector per window (scikit-learn).
VECTOR_MODELS = ("svc", "rfc", "linsvm", "logreg", "knn", "mlp", "perceptron", "elm")
# Which transforms each model can take.
MODEL_TRANSFORMS = {
    **{m: SPECTRAL + ("embed",) for m in VECTOR_MODELS},
    "cnn1d": SPECTRAL,
    "cnn2d": IMAGES,
    "samplecnn": ("waveform",),
    "randomcnn": IMAGES + ("waveform",),
}


def _training(epochs: int) -> dict:
    """Settings every Keras model shares."""
    return {
        "dense": _int(min=1, max=4096, default=64),
        "dropout": Number(min=0, max=0.95, default=0.3),
        "learning_rate": _pos(max=1, default=1e-3),
        "batch_size": _int(min=1, max=4096, default=32),
        "epochs": _int(min=1, max=10000, default=epochs),
        "patience": _int(min=0, max=10000, default=5),
        "augment": Block(fields={"noise_std": Number(min=0, max=10, default=0.0)}),
    }


def _cnn(filters: list[int], kernel_size: int, epochs: int) -> Block:
    return Block(fields={
        "filters": ListOf(item=_int(min=1, max=1024), min_len=1, default=filters),
        "kernel_size": _int(min=1, max=64, default=kernel_size),
        "pool_size": _int(min=1, max=8, default=2),
        **_training(epochs),
    })


MODEL_SPECS = {
    "svc": Block(fields={
        "C": _pos(default=10.0),
        "gamma": Either(options=(Choice(choices=("scale", "auto")), _pos()), default="scale"),
    }),
    "rfc": Block(fields={
        "n_estimators": _int(min=1, max=100000, default=300),
        "max_depth": _int(min=1, max=1000, nullable=True, default=None),
        "min_samples_leaf": _int(min=1, max=100000, default=1),
        "max_features": Either(options=(Choice(choices=("sqrt", "log2")), Number(min=0, max=1, min_exclusive=True)),
                               default="sqrt"),
    }),
    "linsvm": Block(fields={"C": _pos(default=1.0), "max_iter": _int(min=1, default=5000)}),
    "logreg": Block(fields={"C": _pos(default=1.0), "max_iter": _int(min=1, default=2000)}),
    "knn": Block(fields={"n_neighbors": _int(min=1, max=10000, default=5),
                         "weights": Choice(choices=("uniform", "distance"), default="distance")}),
    "mlp": Block(fields={
        "hidden": ListOf(item=_int(min=1, max=65536), min_len=1, default=[256, 128]),
        "alpha": Number(min=0, default=1e-3),
        "learning_rate": _pos(max=1, default=1e-3),
        "max_iter": _int(min=1, default=300),
    }),
    "perceptron": Block(fields={
        "alpha": Number(min=0, default=1e-4),
        "penalty": Choice(choices=("l2", "l1", "elasticnet"), nullable=True, default=None),
        "max_iter": _int(min=1, default=1000),
    }),
    "elm": Block(fields={"n_hidden": _int(min=1, max=100000, default=1000),
                         "alpha": _pos(default=1.0)}),
    "randomcnn": Block(fields={
        "filters": ListOf(item=_int(min=1, max=1024), min_len=1, default=[32, 32, 32]),
        "kernel_size": _int(min=1, max=64, default=3),
        "pool_size": _int(min=1, max=8, default=2),
        "C": _pos(default=10.0),
        "gamma": Either(options=(Choice(choices=("scale", "auto")), _pos()), default="scale"),
    }),
    "samplecnn": Block(fields={
        "filters": ListOf(item=_int(min=1, max=1024), min_len=2,
                          default=[16, 16, 32, 32, 32, 64, 64, 64]),
        "block": Choice(choices=("basic", "se"), default="basic"),
        "se_ratio": Number(min=0, max=1, min_exclusive=True, default=0.25),
        **_training(30),
    }),
    "cnn1d": _cnn([32, 64, 64], kernel_size=5, epochs=40),
    "cnn2d": _cnn([16, 32, 64, 64], kernel_size=3, epochs=30),
}

SCHEMA = Block(fields={
    "seed": _int(min=0, max=2**32 - 1),
    "sample_rate": _int(min=1000, max=192000),
    "window": _pos(max=600),
    "hop": _pos(max=600, nullable=True, default=None),
    "dataset": Block(fields={
        "source": Choice(choices=("demo", "gtzan", "folder")),
        "path": Text(nullable=True, default=None),
        "split": Choice(choices=("ratios", "kfold"), default="ratios"),
        "folds": _int(min=3, max=100, default=5),
        "ratios": Block(fields={name: Number(min=0, max=1) for name in SPLITS}),
        "demo": Block(fields={
            "songs_per_genre": _int(min=1, max=10000, default=30),
            "duration": Number(min=1, max=600, default=30.0),
            "genres": ListOf(item=Choice(choices=GENRES), min_len=2, default=list(GENRES)),
        }),
        "gtzan": Block(fields={
            "urls": ListOf(item=Text(prefixes=("http://", "https://")), min_len=1),
            "hash": Text(prefixes=("md5:", "sha256:")),
            "cache_dir": Text(nullable=True, default=None),
            "retries": _int(min=0, max=10, default=2),
        }),
    }),
    "segment": Block(fields={"short": Choice(choices=("pad", "skip"), default="pad")}),
    "augment": Block(fields={
        "copies": _int(min=0, max=100, default=0),
        "pitch_shift": Block(fields={"probability": Number(min=0, max=1, default=0.5),
                                     "semitones": Number(min=0, max=12, default=2.0)}),
        "time_stretch": Block(fields={"probability": Number(min=0, max=1, default=0.5),
                                      "rate": Number(min=0, max=0.5, default=0.1)}),
    }),
    "transforms": MapOf(specs=TRANSFORM_SPECS),
    "models": MapOf(specs=MODEL_SPECS, min_len=0, default={}),
    "runs": NamedMap(item=Block(fields={"model": Choice(choices=tuple(MODEL_SPECS)),
                                        "transform": Choice(choices=tuple(TRANSFORM_SPECS))}),
                     min_len=0, default={}),
    "executor": Block(fields={
        "kind": Choice(choices=("local", "dask"), default="local"),
        "address": Text(prefixes=("tcp://", "tls://", "ws://", "wss://", "inproc://"), nullable=True,
                        default=None),
        "jobs": _int(min=1, max=512, nullable=True, default=None),
        "workers": _int(min=1, max=64, default=2),
    }),
    "train": Block(fields={"mixed_precision": Flag(default=False)}),
})


def validate(raw: Any) -> Section:
    """Check a parsed params tree against the schema and the rules that span keys.

    Parameters
    ----------
    raw : mapping
        The parsed content of params.yaml.

    Returns
    -------
    Section
        The validated tree, defaults filled in.

    Raises
    ------
    ParameterError
        On the first problem, naming the key, the value and what is allowed.
    """
    params = SCHEMA.check("", raw if raw is not None else {})
    _check_ratios(params.dataset.ratios)
    if params.executor.kind == "dask" and params.executor.address is None:
        raise fail("executor.address", None, "is required when executor.kind='dask'",
                   "the scheduler address, e.g. tcp://10.0.0.5:8786")
    if params.dataset.split == "kfold" and params.dataset.source == "gtzan":
        raise fail("dataset.split", "kfold", "is not used with dataset.source='gtzan'",
                   "'ratios' (GTZAN keeps its fault-filtered, artist-disjoint split)")
    if params.dataset.source == "folder" and params.dataset.path is None:
        raise fail("dataset.path", None, "is required when dataset.source='folder'",
                   "a folder with one sub-folder per class")
    window_samples = round(params.window * params.sample_rate)
    hop_samples = round(hop_seconds(params) * params.sample_rate)
    for key, n_samples in (("window", window_samples), ("hop", hop_samples)):
        if n_samples < 1:
            raise fail(key, params[key], "is shorter than one sample",
                       "a duration >= 1 / sample_rate")
    for name, tp in params.transforms.items():
        _check_transform_fits(name, tp, window_samples, params.sample_rate)
    for name, run in params.runs.items():
        _check_run(name, run, params)
    return params


def _check_run(name: str, run: Section, params: Section) -> None:
    """A run needs its transform computed, and a model that accepts that transform's shape."""
    if run.transform not in params.transforms:
        raise fail(f"runs.{name}.transform", run.transform, "is not computed (no block in "
                   "transforms)", "one of: " + ", ".join(params.transforms))
    allowed = MODEL_TRANSFORMS[run.model]
    if run.transform not in allowed:
        rank = TRANSFORM_RANKS[run.transform]
        raise fail(f"runs.{name}", run.to_dict(), f"pairs {run.model} with {run.transform} "
                   f"({rank}-D windows)", f"a {run.model} transform from: {', '.join(allowed)}")


def model_params(params: Section, model: str) -> Section:
    """The settings of `model`: its block in `models`, defaults filled in when absent."""
    return params.models.get(model) or MODEL_SPECS[model].check(f"models.{model}", {})


def _check_ratios(ratios: Section) -> None:
    total = sum(ratios.values())
    if abs(total - 1.0) > 1e-6:
        raise fail("dataset.ratios", ratios.to_dict(), f"sums to {total:g}",
                   "train + valid + test = 1")
    for name in ("train", "test"):
        if ratios[name] <= 0:
            raise fail(f"dataset.ratios.{name}", ratios[name], "is out of range", "a number > 0")


def _check_transform_fits(name: str, tp: Section, window_samples: int, sample_rate: int) -> None:
    if "n_fft" in tp and tp.n_fft > window_samples:
        raise fail(f"transforms.{name}.n_fft", tp.n_fft, "is longer than one window",
                   f"<= window * sample_rate = {window_samples}")
    if name == "fft" and tp.n_bins > window_samples // 2 + 1:
        raise fail("transforms.fft.n_bins", tp.n_bins, "exceeds the spectrum length",
                   f"<= {window_samples // 2 + 1} (window samples / 2 + 1)")
    if name == "waveform" and tp.sample_rate is not None and tp.sample_rate > sample_rate:
        raise fail("transforms.waveform.sample_rate", tp.sample_rate, "is above sample_rate",
                   f"<= {sample_rate}, or null to keep it")
    if name == "embed" and tp.input is not None:
        inner = tp.input.get("transform")
        if inner not in TRANSFORM_SPECS or inner == "embed":
            raise fail("transforms.embed.input.transform", inner, "is not allowed",
                       "one of: " + ", ".join(t for t in TRANSFORM_SPECS if t != "embed"))
        settings = TRANSFORM_SPECS[inner].check("transforms.embed.input",
                                                {k: v for k, v in tp.input.items() if k != "transform"})
        _check_transform_fits(inner, settings, window_samples, sample_rate)
    if name == "mfcc" and tp.n_mfcc > tp.n_mels:
        raise fail("transforms.mfcc.n_mfcc", tp.n_mfcc, "exceeds n_mels",
                   f"<= transforms.mfcc.n_mels = {tp.n_mels}")


def dask_address(params: Section) -> str | None:
    """The Dask scheduler to run per-song tasks on, or None to run them locally."""
    return params.executor.address if params.executor.kind == "dask" else None


def hop_seconds(params: Section) -> float:
    """The hop in seconds: `hop`, or `window` when hop is null."""
    return params.window if params.hop is None else params.hop


def load_params(path: str | os.PathLike = PARAMS_FILE) -> Section:
    """Read and validate params.yaml.

    Raises
    ------
    ParameterError
        When the file is missing, is not YAML, or fails validation.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ParameterError(f"{path}: file not found; expected params.yaml in the "
                             "project root (run stages from there)") from None
    except yaml.YAMLError as exc:
        problem = str(exc).replace("\n", " ")
        raise ParameterError(f"{path}: not valid YAML ({problem})") from None
    return validate(raw)
