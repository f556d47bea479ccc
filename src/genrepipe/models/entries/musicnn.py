"""The `musicnn` entry: the pretrained musicnn network, fine-tuned."""

from __future__ import annotations

from ...schema import Block, Choice, Flag, Number, integer, positive
from ..entry import ModelEntry

# The fine-tuned network's training as it always was: Keras' batch-norm momentum, plain Adam, no
# label smoothing, no schedule or small-data measures (settings the other networks share).
_AS_PRETRAINED = {
    "bn_momentum": Number(min=0, max=0.999, default=0.99),
    "weight_decay": Number(min=0, max=1, default=0.0),
    "label_smoothing": Number(min=0, max=0.5, default=0.0),
    "schedule": Choice(choices=("constant", "plateau", "cosine"), default="constant"),
    "min_epochs": integer(min=0, max=10000, default=0),
    "augment": Block(fields={
        "noise_std": Number(min=0, max=10, default=0.0),
        "shift": Flag(default=False),
        "time_mask": Number(min=0, max=0.9, default=0.0),
        "band_mask": Number(min=0, max=0.9, default=0.0),
        "mixup": Number(min=0, max=10, default=0.0),
    }),
}

ENTRY = ModelEntry("musicnn", "keras", ("musicnn_input",), Block(fields={
    "pretrained": Choice(choices=("MSD_musicnn", "MTT_musicnn"), default="MSD_musicnn"),
    "freeze": Choice(choices=("all", "frontend", "none"), default="frontend"),
    "dropout": Number(min=0, max=0.95, default=0.5),
    "learning_rate": positive(max=1, default=1e-4),
    "batch_size": integer(min=1, max=4096, default=16),
    "epochs": integer(min=1, max=10000, default=20),
    "patience": integer(min=0, max=10000, default=3),
    **_AS_PRETRAINED,
}), "the pretrained musicnn network fine-tuned with a new softmax head (`freeze`: all, "
    "frontend or none of the pretrained layers; its own `learning_rate`)")
