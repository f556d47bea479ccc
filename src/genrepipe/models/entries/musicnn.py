"""The `musicnn` entry: the pretrained musicnn network, fine-tuned."""

from __future__ import annotations

from ...core.schema import Choice, Number, integer, positive
from ...pretrained.names import MUSICNN_MODELS
from ..entry import ModelEntry
from ._shared import batch_augment, network_spec

# The fine-tuned network's training as it always was: Keras' batch-norm momentum, plain Adam, no
# label smoothing, no schedule or small-data measures (settings the other networks share).
_AS_PRETRAINED = {
    "bn_momentum": Number(min=0, max=0.999, default=0.99),
    "weight_decay": Number(min=0, max=1, default=0.0),
    "label_smoothing": Number(min=0, max=0.5, default=0.0),
    "schedule": Choice(choices=("constant", "plateau", "cosine"), default="constant"),
    "min_epochs": integer(min=0, max=10000, default=0),
    "batch_augment": batch_augment(shift=False, time_mask=0.0, band_mask=0.0, mixup=0.0),
}

ENTRY = ModelEntry("musicnn", "keras", ("musicnn_input",), network_spec({
    "pretrained": Choice(choices=MUSICNN_MODELS, default=MUSICNN_MODELS[0]),
    "freeze": Choice(choices=("all", "frontend", "none"), default="frontend"),
    "dropout": Number(min=0, max=0.95, default=0.5),
    "learning_rate": positive(max=1, default=1e-4),
    "batch_size": integer(min=1, max=4096, default=16),
    "epochs": integer(min=1, max=10000, default=20),
    "patience": integer(min=0, max=10000, default=3),
    **_AS_PRETRAINED,
}), "the pretrained musicnn network fine-tuned with a new softmax head (`freeze`: all, "
    "frontend or none of the pretrained layers; its own `learning_rate`)")
