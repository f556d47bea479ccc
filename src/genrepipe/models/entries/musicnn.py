"""The `musicnn` entry: the pretrained musicnn network, fine-tuned."""

from __future__ import annotations

from ...schema import Block, Choice, Number, integer, positive
from ..entry import ModelEntry

ENTRY = ModelEntry("musicnn", "keras", ("musicnn_input",), Block(fields={
    "pretrained": Choice(choices=("MSD_musicnn", "MTT_musicnn"), default="MSD_musicnn"),
    "freeze": Choice(choices=("all", "frontend", "none"), default="frontend"),
    "dropout": Number(min=0, max=0.95, default=0.5),
    "learning_rate": positive(max=1, default=1e-4),
    "batch_size": integer(min=1, max=4096, default=16),
    "epochs": integer(min=1, max=10000, default=20),
    "patience": integer(min=0, max=10000, default=3),
}), "the pretrained musicnn network fine-tuned with a new softmax head (`freeze`: all, "
    "frontend or none of the pretrained layers; its own `learning_rate`)")
