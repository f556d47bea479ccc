"""A trained model scored on a labelled folder it never saw (`genrepipe evaluate`): the folder's
classes matched to the model's by name (case-insensitively, or as `--map old=new` says), songs of
classes the model does not know counted apart, the rest scored as the evaluate stage scores its
test songs (song accuracy with its exact interval, macro-F1 with its bootstrap interval, recall
per class, the chance rate), and how well its probabilities are calibrated on these songs (ECE
and Brier score with the model's temperature and without). Cross-collection evaluation without
retraining anything."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from ..core.errors import parameter_error


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """`--map old=new` pairs as {folder class (lower case): model class}."""
    mapping = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old or not new:
            raise parameter_error("--map", pair, "is not old=new", "a folder class, '=', a model class",
                                  where="command line")
        mapping[old.lower()] = new
    return mapping


def match_classes(folder_classes: Sequence[str], model_classes: Sequence[str],
                  mapping: Mapping[str, str]) -> dict[str, str | None]:
    """Each class of the folder -> the model's class it is (None: one the model does not know)."""
    by_name = {c.lower(): c for c in model_classes}
    for old, new in mapping.items():
        if new.lower() not in by_name:
            raise parameter_error("--map", f"{old}={new}", f"names {new!r}, which the model does not know",
                                  "one of: " + ", ".join(model_classes), where="command line")
    return {c: by_name.get(mapping.get(c.lower(), c).lower()) for c in folder_classes}


def score_labelled(task, classes: Sequence[str], labels: Sequence[str], probs: np.ndarray,
                   own: np.ndarray, seed: int, temperature: float = 1.0) -> tuple[dict, list[str]]:
    """The scores of songs with model classes `labels` and probabilities `probs` (`own` before
    the model's `temperature`), as the evaluate stage scores test songs; and each song's
    predicted class."""
    from ..stats.calibration import calibration_intervals

    truth = task.truth_of_rows([{"label": label} for label in labels], classes)
    scores, decided = task.score(truth, probs, ["test"] * len(labels), classes, seed)
    calibration = calibration_intervals(truth, own, probs, seed) if task.calibrates else {}
    return {**scores["test"], "temperature": temperature, **calibration}, [classes[i] for i in decided]


def unknown_classes(matched: Mapping[str, str | None], labels: Sequence[str]) -> dict[str, int]:
    """The folder's classes the model does not know, with their songs."""
    counts = Counter(label for label in labels if matched[label] is None)
    return dict(sorted(counts.items()))
