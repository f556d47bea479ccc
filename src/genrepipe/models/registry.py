"""The model registry: every model genrepipe trains, in one place.

An entry gives the model's name (its key under `models` in params.yaml and its module
`genrepipe.models.<name>`), its family (how it is trained, saved and loaded), the kinds of
transform output it accepts, its params spec, and how its inputs are prepared. The params
schema, the run pairing, the train and evaluate stages, `genrepipe predict` and
`genrepipe list` all read it.

Adding a model: one entry here, a module `models/<name>.py` (a scikit-learn model defines
``estimator(settings, seed, n_jobs)``; a Keras model ``build_network(input_shape, n_classes,
settings)`` and ``layout(x)``), and a block under `models` in params.yaml (the README walks
through an example).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ParameterError
from ..schema import Block, Choice, Either, Flag, ListOf, Number, integer, positive

META = "meta.json"  # next to the model in every model folder: what prediction needs


@dataclass(frozen=True)
class Family:
    """How a family of models is trained, saved and loaded: `module` defines ``fit(...)``,
    ``load(folder)`` and ``predict_windows(...)`` (see `models.classic`, `models.network`)."""

    name: str
    file: str
    module: str


FAMILIES = {
    "sklearn": Family("sklearn", "model.skops", "genrepipe.models.classic"),
    "keras": Family("keras", "model.keras", "genrepipe.models.network"),
}


@dataclass(frozen=True)
class ModelEntry:
    """One model: its family, the transform kinds it accepts, its params spec, and how its
    inputs are prepared.

    calibrated : scikit-learn models without `predict_proba`: probabilities from
        `CalibratedClassifierCV` with song-disjoint folds.
    whole_windows : scikit-learn models that take whole windows (flattened) instead of one
        summary vector per window.
    band_normalised : Keras models whose inputs are standardised band by band (train statistics).
    check : why given settings cannot take a kind of transform output (None when they can),
        checked with the params.
    """

    name: str
    family: str
    accepts: tuple[str, ...]
    spec: Block
    summary: str
    calibrated: bool = False
    whole_windows: bool = False
    band_normalised: bool = False
    check: Callable[[Mapping[str, Any], str], str | None] | None = None

    @property
    def module(self) -> str:
        return f"genrepipe.models.{self.name}"

    @property
    def file(self) -> str:
        """The model's file in its folder (`model.skops` or `model.keras`)."""
        return FAMILIES[self.family].file

    @property
    def is_keras(self) -> bool:
        return self.family == "keras"


_GAMMA = Either(options=(Choice(choices=("scale", "auto")), positive()), default="scale")


def _training(epochs: int) -> dict:
    """Settings every Keras model shares, with the small-data measures (`genrepipe.small_data`)."""
    return {
        "dense": integer(min=1, max=4096, default=64),
        "dropout": Number(min=0, max=0.95, default=0.3),
        "learning_rate": positive(max=1, default=1e-3),
        "schedule": Choice(choices=("constant", "plateau", "cosine"), default="plateau"),
        "bn_momentum": Number(min=0, max=0.999, default=0.9),
        "weight_decay": Number(min=0, max=1, default=0.01),
        "label_smoothing": Number(min=0, max=0.5, default=0.1),
        "batch_size": integer(min=1, max=4096, default=32),
        "epochs": integer(min=1, max=10000, default=epochs),
        "patience": integer(min=0, max=10000, default=5),
        "min_epochs": integer(min=0, max=10000, default=10),
        "augment": Block(fields={
            "noise_std": Number(min=0, max=10, default=0.0),
            "shift": Flag(default=True),
            "time_mask": Number(min=0, max=0.9, default=0.1),
            "band_mask": Number(min=0, max=0.9, default=0.1),
            "mixup": Number(min=0, max=10, default=0.2),
        }),
    }


def _cnn(filters: list[int], kernel_size: int, epochs: int) -> Block:
    return Block(fields={
        "filters": ListOf(item=integer(min=1, max=1024), min_len=1, default=filters),
        "kernel_size": integer(min=1, max=64, default=kernel_size),
        "pool_size": integer(min=1, max=8, default=2),
        **_training(epochs),
    })


# seed 000's randomly weighted front ends (`models.random_architectures`), by the input they take
RANDOM_WAVEFORM = ("sample_level", "frame_level", "frame_level_many")
RANDOM_SPECTROGRAM = ("single_7x86", "single_7x96", "temporal")


def _random_input(settings: Mapping[str, Any], kind: str) -> str | None:
    architecture = settings["architecture"]
    if architecture in RANDOM_WAVEFORM and kind != "waveform":
        return f"architecture {architecture} needs a waveform"
    if architecture in RANDOM_SPECTROGRAM and kind != "image":
        return f"architecture {architecture} needs a spectrogram (an image transform)"
    return None


VECTORS = ("vector", "image")  # what a model of one summary vector per window can take

MODELS: dict[str, ModelEntry] = {entry.name: entry for entry in (
    ModelEntry("svc", "sklearn", VECTORS,
               Block(fields={"C": positive(default=10.0), "gamma": _GAMMA}),
               "RBF SVM after `StandardScaler`, probabilities from `CalibratedClassifierCV` with "
               "song-disjoint folds (as for every calibrated model)", calibrated=True),
    ModelEntry("rfc", "sklearn", VECTORS, Block(fields={
        "n_estimators": integer(min=1, max=100000, default=300),
        "max_depth": integer(min=1, max=1000, nullable=True, default=None),
        "min_samples_leaf": integer(min=1, max=100000, default=1),
        "max_features": Either(options=(Choice(choices=("sqrt", "log2")),
                                        Number(min=0, max=1, min_exclusive=True)), default="sqrt"),
    }), "random forest"),
    ModelEntry("linsvm", "sklearn", VECTORS,
               Block(fields={"C": positive(default=1.0), "max_iter": integer(min=1, default=5000)}),
               "linear SVM (calibrated)", calibrated=True),
    ModelEntry("logreg", "sklearn", VECTORS,
               Block(fields={"C": positive(default=1.0), "max_iter": integer(min=1, default=2000)}),
               "logistic regression"),
    ModelEntry("knn", "sklearn", VECTORS, Block(fields={
        "n_neighbors": integer(min=1, max=10000, default=5),
        "weights": Choice(choices=("uniform", "distance"), default="distance"),
    }), "k nearest neighbours"),
    ModelEntry("mlp", "sklearn", VECTORS, Block(fields={
        "hidden": ListOf(item=integer(min=1, max=65536), min_len=1, default=[256, 128]),
        "alpha": Number(min=0, default=1e-3),
        "learning_rate": positive(max=1, default=1e-3),
        "max_iter": integer(min=1, default=300),
    }), "scikit-learn's multi-layer perceptron (seed 001)"),
    ModelEntry("perceptron", "sklearn", VECTORS, Block(fields={
        "alpha": Number(min=0, default=1e-4),
        "penalty": Choice(choices=("l2", "l1", "elasticnet"), nullable=True, default=None),
        "max_iter": integer(min=1, default=1000),
    }), "linear perceptron (calibrated)", calibrated=True),
    ModelEntry("elm", "sklearn", VECTORS, Block(fields={
        "n_hidden": integer(min=1, max=100000, default=1000),
        "alpha": positive(default=1.0),
    }), "extreme learning machine: a seeded random tanh layer and a ridge readout "
        "(`genrepipe.models.elm`)"),
    ModelEntry("randomcnn", "sklearn", ("image", "waveform"), Block(fields={
        "architecture": Choice(choices=("blocks", *RANDOM_WAVEFORM, *RANDOM_SPECTROGRAM),
                               default="blocks"),
        "filters": ListOf(item=integer(min=1, max=1024), min_len=1, default=[32, 32, 32]),
        "kernel_size": integer(min=1, max=64, default=3),
        "pool_size": integer(min=1, max=8, default=2),
        "n_filters": integer(min=1, max=8192, default=64),
        "layers": ListOf(item=integer(min=0, max=16), min_len=1, nullable=True, default=None),
        "classifier": Choice(choices=("svm", "elm"), default="svm"),
        "C": positive(default=10.0),
        "gamma": _GAMMA,
        "n_hidden": integer(min=1, max=100000, default=1000),
        "alpha": positive(default=1.0),
    }), "an untrained CNN with seeded random weights (`architecture`: genrepipe's `blocks`, or "
        "seed 000's front ends) as features of each window, then a calibrated SVM or ELM "
        "(`classifier`, seed 000)", calibrated=True, whole_windows=True, check=_random_input),
    ModelEntry("samplecnn", "keras", ("waveform",), Block(fields={
        "filters": ListOf(item=integer(min=1, max=1024), min_len=2,
                          default=[16, 16, 32, 32, 32, 64, 64, 64]),
        "block": Choice(choices=("basic", "se"), default="basic"),
        "se_ratio": Number(min=0, max=1, min_exclusive=True, default=0.25),
        "level": Choice(choices=("window", "none"), default="window"),
        **_training(30),
    }), "SampleCNN (seed 003): a strided size-3 conv, then size-3 conv and size-3 max-pool blocks "
        "from sample level up; `block: se` adds squeeze-and-excitation, `level: window` scales "
        "each window to unit variance first"),
    ModelEntry("cnn1d", "keras", VECTORS, _cnn([32, 64, 64], kernel_size=5, epochs=40),
               "conv blocks (conv, batch norm, ReLU, max pool) over time with bands as channels "
               "(over frequency for a vector), pooling, dense (`embedding`), dropout, softmax",
               band_normalised=True),
    ModelEntry("cnn2d", "keras", ("image",), _cnn([16, 32, 64, 64], kernel_size=3, epochs=30),
               "the same blocks in 2-D over the band x time image", band_normalised=True),
    ModelEntry("crnn", "keras", ("image",), Block(fields={
        **_cnn([16, 32, 32], kernel_size=3, epochs=30).fields,
        "rnn": Choice(choices=("gru", "lstm"), default="gru"),
        "units": integer(min=1, max=1024, default=32),
    }), "convolutional blocks over the band x time image, then a bidirectional GRU or LSTM "
        "(`rnn`, `units`) over time, dense (`embedding`), softmax (seed 004)", band_normalised=True),
    ModelEntry("autoencoder", "keras", ("image",), Block(fields={
        **_cnn([16, 32, 32], kernel_size=3, epochs=30).fields,
        "pretrain_epochs": integer(min=1, max=10000, default=15),
        "freeze_encoder": Flag(default=True),
        "pool": Choice(choices=("time", "global"), default="time"),
    }), "encoder-classifier (seed 004): a convolutional autoencoder trained without labels on "
        "the training windows (`pretrain_epochs`), its encoder frozen (`freeze_encoder`), then "
        "the dense head trained on the code's mean and max over time per band row (`pool: "
        "time`) or over the whole map (`global`)", band_normalised=True),
    ModelEntry("musicnn", "keras", ("musicnn_input",), Block(fields={
        "pretrained": Choice(choices=("MSD_musicnn", "MTT_musicnn"), default="MSD_musicnn"),
        "freeze": Choice(choices=("all", "frontend", "none"), default="frontend"),
        "dropout": Number(min=0, max=0.95, default=0.5),
        "learning_rate": positive(max=1, default=1e-4),
        "batch_size": integer(min=1, max=4096, default=16),
        "epochs": integer(min=1, max=10000, default=20),
        "patience": integer(min=0, max=10000, default=3),
    }), "the pretrained musicnn network fine-tuned with a new softmax head (`freeze`: all, "
        "frontend or none of the pretrained layers; its own `learning_rate`)"),
)}


def get_model(name: str) -> ModelEntry:
    """The registry entry of `name`; an unknown name fails with the list of known ones."""
    try:
        return MODELS[name]
    except KeyError:
        raise ParameterError(f"model={name!r} is not supported; expected one of: "
                             + ", ".join(MODELS)) from None


def model_settings(models: Mapping[str, Any], name: str):
    """The settings of model `name`: its block in `models`, defaults filled in when absent."""
    return models.get(name) or MODELS[name].spec.check(f"models.{name}", {})
