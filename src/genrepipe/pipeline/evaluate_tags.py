"""The evaluate stage for a tagger (`dataset.task: multilabel`): its songs' tag probabilities
(the mean of their windows', as for genres; k-fold: each song by the fold model that did not train
on it), scored by `tag_scoring`, written like a genre run's results (`genrepipe.evaluation.results`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..core.errors import DataError
from ..core.store import write_json
from ..dataset.featureset import FeatureSet
from ..dataset.songs import NO_TAG
from ..evaluation.results import CONFUSION, CONFUSION_PNG, MULTILABEL, tag_row, write_results
from ..evaluation.song_level import confusion_rows, predict_songs
from ..evaluation.tag_scoring import score_tagger, warn_if_chance
from ..models.trained import TrainedRun
from ..reporting import figures

log = logging.getLogger(__name__)


def predict_split(trained: TrainedRun, features: FeatureSet, split: str) -> tuple[list[dict], np.ndarray]:
    """The songs of `split` and their tag probabilities (the mean of their windows')."""
    songs = features.songs(split, originals=True)
    if not songs:
        raise DataError(f"{features.folder}: no {split} songs; check dataset.ratios")
    if features.tags != trained.classes:
        raise DataError(f"{features.folder}: tags {features.tags} differ from the tags run "
                        f"{trained.meta['run']!r} learnt ({trained.classes}); re-run `dvc repro`")
    return songs, predict_songs(trained, features, songs)[1]


def evaluate_tagger(name: str, trained: TrainedRun, features: FeatureSet, out_dir: str | Path,
                    seed: int) -> dict:
    """Score tagger `name` and write its results (`genrepipe.evaluation.results`), the tag co-occurrence
    of its test songs (`confusion.json`: a row per actual tag x decided tag of a song, `(none)`
    for an empty side) and its figure."""
    tags = trained.classes
    if trained.members:
        parts = [(fold, *predict_split(member, features, fold))
                 for fold, member in zip(trained.meta["folds"], trained.members, strict=True)]
        title = f"{name}: all songs, {len(parts)}-fold"
    else:
        parts = [(split, *predict_split(trained, features, split)) for split in ("valid", "test")
                 if split == "test" or features.songs(split)]
        title = f"{name}: test songs"
    songs = [s for _, part, _ in parts for s in part]
    splits = [split for split, part, _ in parts for _ in part]
    probs = np.concatenate([p for _, _, p in parts])
    truth = features.tag_matrix(songs)
    metrics, decided = score_tagger(truth, probs, splits, tags, seed)
    warn_if_chance(name, metrics)
    write_tagger_results(out_dir, name, metrics, songs, splits, truth, decided, probs, tags,
                         {"run": name, "model": trained.model_name, "transform": trained.transform},
                         title)
    return metrics


def write_tagger_results(out_dir: str | Path, name: str, metrics: dict, songs: list[dict],
                         splits: Sequence[str], truth: np.ndarray, decided: np.ndarray,
                         probs: np.ndarray, tags: Sequence[str], info: dict, title: str) -> None:
    """songs.csv, scores, headline and info (with `task`), and the test songs' co-occurrence."""
    out_dir = Path(out_dir)
    write_results(out_dir, name, metrics, (
        tag_row(split, song["song_id"], tags, t, d, p)
        for song, split, t, d, p in zip(songs, splits, truth, decided, probs, strict=True)),
        {**info, "classes": list(tags), "task": MULTILABEL})
    tested = [i for i, split in enumerate(splits) if split != "valid"]
    actual, predicted = co_occurrence(truth[tested], decided[tested], tags)
    write_json(out_dir / name / CONFUSION, confusion_rows(actual, predicted))
    figures.confusion(actual, predicted, [*tags, NO_TAG], title + " (actual x decided tags)",
                      out_dir / name / CONFUSION_PNG)


def co_occurrence(truth: np.ndarray, decided: np.ndarray, tags: Sequence[str]) -> tuple[list[str], list[str]]:
    """(actual, decided) pairs: for every song, each of its tags with each tag decided for it;
    a song without tags (or without decided ones) pairs with `(none)`."""
    actual, predicted = [], []
    for have, said in zip(truth, decided, strict=True):
        true_tags = [tags[i] for i in np.flatnonzero(have)] or [NO_TAG]
        said_tags = [tags[i] for i in np.flatnonzero(said)] or [NO_TAG]
        for a in true_tags:
            for p in said_tags:
                actual.append(a)
                predicted.append(p)
    return actual, predicted
