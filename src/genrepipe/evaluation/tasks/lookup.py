"""Which task a params value, a file or a feature set belongs to: the only place that tells them
apart by what they hold (`task` in meta.json and scores.json, `tags` in an index or manifest)."""

from __future__ import annotations

from collections.abc import Mapping

from ...core.errors import DataError
from ...dataset.songs import TAGS_COLUMN
from .multiclass import Multiclass
from .multilabel import Multilabel

MULTICLASS, MULTILABEL = Multiclass(), Multilabel()
TASKS = {task.name: task for task in (MULTICLASS, MULTILABEL)}  # `dataset.task` values, default first


def task_named(name: str):
    """The task of `dataset.task` (checked by params first)."""
    try:
        return TASKS[name]
    except KeyError:
        raise DataError(f"task {name!r} is not known; expected one of: {', '.join(TASKS)}") from None


def task_of_record(record: Mapping) -> Multiclass | Multilabel:
    """The task of a meta.json, scores.json or info.json: a tagger's records name theirs; records
    without `task` (every genre run, and runs trained before tasks) are single-label."""
    return task_named(record.get("task", MULTICLASS.name))


def task_of_features(features) -> Multiclass | Multilabel:
    """The task of a feature set: an index with `tags` is a multi-label one."""
    return MULTILABEL if features.tags is not None else MULTICLASS


def task_of_manifest(rows: list[dict]) -> Multiclass | Multilabel:
    """The task of the download stage's manifest rows: a `tags` column is written for tags only."""
    return MULTILABEL if rows and TAGS_COLUMN in rows[0] else MULTICLASS
