"""Spec parts several model entries share."""

from __future__ import annotations

from ...core.schema import Block, Choice, Either, Flag, Grid, ListOf, Number, integer, positive

# Keys of a Keras model's block renamed since earlier params files (old: new); still read.
RENAMED = {"augment": "batch_augment"}
VECTORS = ("vector", "image")  # what a model of one summary vector per window can take
GAMMA = Either(options=(Choice(choices=("scale", "auto")), positive()), default="scale")


def training(epochs: int) -> dict:
    """Settings every Keras model shares, with the small-data measures (`genrepipe.models.batch_augment`)."""
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
        "batch_augment": batch_augment(),
    }


def batch_augment(shift: bool = True, time_mask: float = 0.1, band_mask: float = 0.1,
                  mixup: float = 0.2) -> Block:
    """A network's augmentation of its training batches (`genrepipe.models.batch_augment`), with these
    defaults; not the `augment` stage, which adds copies of the training songs."""
    return Block(fields={
        "noise_std": Number(min=0, max=10, default=0.0),
        "shift": Flag(default=shift),
        "time_mask": Number(min=0, max=0.9, default=time_mask),
        "band_mask": Number(min=0, max=0.9, default=band_mask),
        "mixup": Number(min=0, max=10, default=mixup),
    })


def network_spec(fields: dict) -> Block:
    """A Keras model's params block; keys it had under older names are still read (`RENAMED`)."""
    return Block(fields=fields, renamed=RENAMED)


def cnn(filters: list[int], kernel_size: int, epochs: int) -> dict:
    """The fields of a stack of conv blocks, with the shared training settings."""
    return {
        "filters": ListOf(item=integer(min=1, max=1024), min_len=1, default=filters),
        "kernel_size": integer(min=1, max=64, default=kernel_size),
        "pool_size": integer(min=1, max=8, default=2),
        **training(epochs),
    }


def searchable(fields: dict, *keys: str) -> Block:
    """A scikit-learn model's params block with `search`: values of `keys` to try, chosen by
    song-grouped cross-validation inside the training songs (`models.classic.choose_settings`)."""
    return Block(fields={**fields, "search": Grid(fields={k: fields[k] for k in keys})})

