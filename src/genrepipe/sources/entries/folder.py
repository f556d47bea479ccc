"""The `folder` entry: a local folder, a sub-folder per class, or a labels file."""

from __future__ import annotations

from ..entry import SourceEntry

ENTRY = SourceEntry(
    "folder", "`dataset.path`: a sub-folder per class (any depth below it, any format librosa "
    "decodes), or with `dataset.labels` a CSV of path and label or tags", reads_labels=True)
