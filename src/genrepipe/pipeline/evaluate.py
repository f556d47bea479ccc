"""The evaluate stage: score a trained run on the test split, per window and per song.

A song's prediction is the mean of its windows' probabilities (the same rule `genrepipe
predict` uses). Scores go to `metrics/runs/<run>.json` with stable key names; the song-level
confusion matrix to `metrics/runs/<run>/confusion.json` (rows `{actual, predicted}` for
DVC's confusion template) and `confusion.png`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..featureset import FeatureSet
from ..store import atomic_path, write_json
from ..trained import TrainedRun


def song_probabilities(window_probs: np.ndarray, song_of_window: Sequence[str]
                       ) -> tuple[list[str], np.ndarray]:
    """Average window probabilities per song.

    Parameters
    ----------
    window_probs : np.ndarray, shape (n_windows, n_classes)
    song_of_window : sequence of str, length n_windows

    Returns
    -------
    songs : list of str, in order of first appearance
    probs : np.ndarray, shape (n_songs, n_classes)
    """
    songs = list(dict.fromkeys(song_of_window))
    position = {song: i for i, song in enumerate(songs)}
    rows = np.array([position[s] for s in song_of_window])
    sums = np.zeros((len(songs), window_probs.shape[1]))
    np.add.at(sums, rows, window_probs)
    return songs, sums / np.bincount(rows, minlength=len(songs))[:, None]


def score(y_true: np.ndarray, y_pred: np.ndarray, classes: Sequence[str]) -> dict:
    """Accuracy, macro-F1 and per-class recall of integer label arrays."""
    from sklearn.metrics import accuracy_score, f1_score, recall_score

    labels = np.arange(len(classes))
    recall = recall_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "recall": {name: float(r) for name, r in zip(classes, recall, strict=True)},
    }


def confusion_rows(actual: Sequence[str], predicted: Sequence[str]) -> list[dict]:
    """One `{actual, predicted}` row per item: the input of DVC's `confusion` plot template."""
    return [{"actual": a, "predicted": p} for a, p in zip(actual, predicted, strict=True)]


def score_split(trained: TrainedRun, features: FeatureSet, split: str
                ) -> tuple[dict, list[str], list[str]]:
    """Window and song scores of `trained` on the songs of `split`.

    Returns
    -------
    metrics : dict
    actual, predicted : list of str
        Each song's class and predicted class, in song order.
    """
    songs = features.songs(split)
    if not songs:
        raise DataError(f"{features.folder}: no {split} songs; check dataset.ratios")
    index = {c: i for i, c in enumerate(trained.classes)}
    unknown = sorted({s["label"] for s in songs} - set(index))
    if unknown:
        raise DataError(f"{split} songs of classes the run never saw: {', '.join(unknown)}")
    probs = np.concatenate([trained.predict_windows(np.asarray(features.load(s["song_id"])))
                            for s in songs])
    song_of_window = [s["song_id"] for s in songs for _ in range(s["n_windows"])]
    window_true = np.array([index[s["label"]] for s in songs for _ in range(s["n_windows"])])
    song_ids, song_probs = song_probabilities(probs, song_of_window)
    song_true = np.array([index[s["label"]] for s in songs])
    song_pred = song_probs.argmax(axis=1)
    windows = score(window_true, probs.argmax(axis=1), trained.classes)
    per_song = score(song_true, song_pred, trained.classes)
    metrics = {
        "window_accuracy": windows["accuracy"],
        "window_macro_f1": windows["macro_f1"],
        "song_accuracy": per_song["accuracy"],
        "song_macro_f1": per_song["macro_f1"],
        "song_recall": per_song["recall"],
        "n_test_songs": len(song_ids),
        "n_test_windows": int(len(window_true)),
    }
    return (metrics, [trained.classes[i] for i in song_true],
            [trained.classes[i] for i in song_pred])


def fold_summary(per_fold: list[dict]) -> dict:
    """Mean and standard deviation over folds of every score; counts are summed."""
    summary: dict = {}
    for key in ("window_accuracy", "window_macro_f1", "song_accuracy", "song_macro_f1"):
        values = [m[key] for m in per_fold]
        summary[key] = float(np.mean(values))
        summary[f"{key}_std"] = float(np.std(values))
    summary["song_recall"] = {c: float(np.mean([m["song_recall"][c] for m in per_fold]))
                              for c in per_fold[0]["song_recall"]}
    summary["n_test_songs"] = sum(m["n_test_songs"] for m in per_fold)
    summary["n_test_windows"] = sum(m["n_test_windows"] for m in per_fold)
    summary["folds"] = len(per_fold)
    return summary


def evaluate_run(name: str, model_dir: str | Path, features_dir: str | Path,
                 out_dir: str | Path, split: str = "test") -> dict:
    """Score run `name` on `split` and write its metrics, confusion rows and figure.

    A k-fold run is scored fold by fold (each fold's model on its own test fold): the metrics
    are the mean and standard deviation over folds, and the confusion matrix covers every song
    once.

    Returns
    -------
    dict
        The metrics written to `out_dir/<name>.json`.
    """
    trained = TrainedRun(model_dir)
    features = FeatureSet(features_dir)
    if features.name != trained.transform:
        raise DataError(f"{features_dir}: holds {features.name!r} features; run {name!r} was "
                        f"trained on {trained.transform!r}")
    if trained.members:
        per_fold, actual, predicted = [], [], []
        for fold, member in zip(trained.meta["folds"], trained.members, strict=True):
            metrics, fold_actual, fold_predicted = score_split(member, features, fold)
            per_fold.append(metrics)
            actual += fold_actual
            predicted += fold_predicted
        metrics = fold_summary(per_fold)
        title = f"{name}: all songs, {len(per_fold)}-fold"
    else:
        metrics, actual, predicted = score_split(trained, features, split)
        title = f"{name}: test songs"
    out_dir = Path(out_dir)
    (out_dir / name).mkdir(parents=True, exist_ok=True)
    write_json(out_dir / f"{name}.json", metrics)
    write_json(out_dir / name / "confusion.json", confusion_rows(actual, predicted))
    write_json(out_dir / name / "info.json", {
        "run": name, "model": trained.model, "transform": trained.transform,
        "classes": trained.classes})
    plot_confusion(actual, predicted, trained.classes, title, out_dir / name / "confusion.png")
    return metrics


def plot_confusion(actual: Sequence[str], predicted: Sequence[str], classes: Sequence[str],
                   title: str, path: str | Path) -> None:
    """Save a confusion matrix with class names (scikit-learn's ConfusionMatrixDisplay)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = plt.subplots(figsize=(7, 6))
    ConfusionMatrixDisplay.from_predictions(actual, predicted, labels=list(classes), ax=ax,
                                            colorbar=False, xticks_rotation=45)
    ax.set_title(title)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
