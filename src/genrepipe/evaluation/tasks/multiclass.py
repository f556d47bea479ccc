"""`Multiclass`: one class a song (its genre, its class folder or its labels file's `label`).

Scored by song accuracy (exact 95 % interval, chance: always answering the commonest class) and
macro-F1 (bootstrap interval); runs compared by the exact McNemar test on the same songs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

import numpy as np

from ...core.errors import DataError
from ...dataset.songs import MANIFEST_COLUMNS
from ...stats.single_label import exact_interval, fold_scores, mcnemar, score, song_scores

log = logging.getLogger(__name__)


class Multiclass:
    """The single-label task: a class a song, softmax outputs, song accuracy first."""

    name = "multiclass"
    what = "genres"              # what `predict` says a model answers
    demo_what = "recipes"        # ... and what that means for a model of the demo set
    row_metric = "accuracy"      # what a scikit-learn run's training history records
    headline_key, headline_name, headline_suffix = "song_accuracy", "song accuracy", "_song_acc"
    second_key, second_name, second_rule = "song_macro_f1", "song macro-F1", "higher macro-F1"
    interval_kind = "exact"      # of the headline's interval
    labels_column, other_labels_column, other_name = "label", "tags", "multilabel"
    min_labels = 2               # distinct labels a labels file must give
    needs_tags = False
    calibrates = True            # song probabilities temperature-scaled (`evaluation.calibration`)
    manifest_columns = MANIFEST_COLUMNS

    @property
    def output(self):
        """The Keras family's output layer, loss and metric (`models.outputs`)."""
        from ...models.outputs import SOFTMAX

        return SOFTMAX

    # -- labels on disk ------------------------------------------------------------------------
    def parse_labels(self, cell: str) -> tuple[str, ...]:
        """A labels file's cell: the one label, or none."""
        return tuple(filter(None, [cell]))

    def song_label(self, values: Sequence[str], parts: Sequence[str]) -> str:
        return values[0]

    def song_tags(self, values: Sequence[str]) -> str:
        return ""

    def settle_tags(self, songs: list, source: str, raw_dir) -> str | None:
        """Nothing to keep: a class a song. (Multilabel keeps tags and says which.)"""
        return None

    def index_tags(self, songs: list[dict], raw_dir) -> tuple[dict, dict]:
        """What the windows index adds: nothing."""
        return {}, {}

    # -- training -------------------------------------------------------------------------------
    def meta_fields(self) -> dict:
        """What meta.json, info.json and scores.json add: nothing (the files of before tasks)."""
        return {}

    def outputs(self, features) -> list[str]:
        return features.classes

    def check_train_songs(self, features, where: str) -> None:
        """Every class needs a train song."""
        untrained = sorted(set(features.classes) - {s["label"] for s in features.songs("train")})
        if untrained:
            raise DataError(f"{features.folder}: no train songs of class(es) {', '.join(untrained)}"
                            f"{' in ' + where if where else ''}; every class needs at least one "
                            "(check dataset.ratios or dataset.folds)")

    def check_search(self, model: str, settings) -> None:
        """A genre run may choose its settings inside the training songs."""

    def targets(self, features, songs: list[dict]) -> np.ndarray:
        """Per song, its class index among `features.classes`, int32 (n_songs,)."""
        index = {c: i for i, c in enumerate(features.classes)}
        return np.array([index[s["label"]] for s in songs], dtype=np.int32)

    def loader_targets(self, features, songs: list[dict]) -> None:
        """A network's targets come from the labels (one-hot by the loader)."""
        return None

    def wrap_classifier(self, classifier):
        return classifier

    def calibration_folds(self, y: np.ndarray, songs: Sequence[str], seed: int, where) -> list:
        from ...models.classic import calibration_splits

        return calibration_splits(y, songs, seed, where=where)

    def row_score(self, pipeline, x: np.ndarray, y: np.ndarray) -> float:
        return float(pipeline.score(x, y))

    # -- scoring --------------------------------------------------------------------------------
    def check_songs(self, features, songs: list[dict], classes: Sequence[str], split: str, run: str) -> None:
        unknown = sorted({s["label"] for s in songs} - set(classes))
        if unknown:
            raise DataError(f"{split} songs of classes the run never saw: {', '.join(unknown)}")

    def truth(self, features, songs: list[dict], classes: Sequence[str]) -> np.ndarray:
        """Per song of the features' index, its class index among `classes`."""
        index = {c: i for i, c in enumerate(classes)}
        return np.array([index[s["label"]] for s in songs])

    def truth_of_rows(self, rows: list[dict], classes: Sequence[str]) -> np.ndarray:
        """Per songs.csv row, its class index among `classes`."""
        index = {c: i for i, c in enumerate(classes)}
        return np.array([index[r["label"]] for r in rows])

    def score(self, truth: np.ndarray, probs: np.ndarray, splits: Sequence[str], classes: Sequence[str],
              seed: int, windows: tuple | None = None) -> tuple[dict, np.ndarray]:
        """Song scores per scored split (valid, test), or over every song with the spread over
        folds (k-fold); the window scores beside them when `windows` (each window's class index,
        probabilities and song number) is given. Returns the scores and each song's class."""
        splits = np.asarray(splits)
        decided = probs.argmax(axis=1)
        folds = sorted(set(splits) - {"valid", "test"})
        if folds:
            metrics = {"test": self._split_scores(truth, probs, np.ones(len(truth), bool), classes,
                                                  seed, windows),
                       "folds": fold_scores(truth, decided, splits, classes)}
        else:
            metrics = {split: self._split_scores(truth, probs, splits == split, classes, seed, windows)
                       for split in ("valid", "test") if (splits == split).any()}
        return metrics, decided

    def _split_scores(self, truth, probs, rows: np.ndarray, classes, seed: int, windows) -> dict:
        """Song scores of the songs `rows`, then window scores. The window accuracy's exact
        interval treats windows as independent, which windows of one song are not: it is
        narrower than the truth (the song interval is the one to read)."""
        scores = song_scores(truth[rows], probs[rows], classes, seed)
        if windows is None:
            return scores
        window_truth, window_probs, window_song = windows
        inside = rows[window_song]
        true, pred = window_truth[inside], window_probs[inside].argmax(axis=1)
        lo, hi = exact_interval(int(np.sum(true == pred)), len(true))
        window = score(true, pred, classes)
        return {**scores, "window_accuracy": window["accuracy"], "window_accuracy_lo": lo,
                "window_accuracy_hi": hi, "window_macro_f1": window["macro_f1"], "n_windows": int(len(true))}

    def song_rows(self, splits: Sequence[str], song_ids: Sequence[str], truth: np.ndarray,
                  decided: np.ndarray, probs: np.ndarray, classes: Sequence[str]) -> Iterator[dict]:
        """songs.csv's rows: the label, the most probable class, every probability."""
        from ..results import song_row

        for split, song_id, true, said, p in zip(splits, song_ids, truth, decided, probs, strict=True):
            yield song_row(split, song_id, classes[true], classes[said], classes, p)

    def confusion(self, splits: Sequence[str], truth: np.ndarray, decided: np.ndarray,
                  classes: Sequence[str]) -> tuple[list[str], list[str], list[str], str]:
        """(actual, predicted) of the record songs (test; k-fold: every song), the names of the
        matrix, and what the title adds."""
        record = [i for i, s in enumerate(splits) if s != "valid"]
        return ([classes[truth[i]] for i in record], [classes[decided[i]] for i in record],
                list(classes), "")

    def chance_text(self, chosen: dict) -> str:
        return (f"song accuracy {chosen['song_accuracy']:.3f} [{chosen['song_accuracy_lo']:.3f}, "
                f"{chosen['song_accuracy_hi']:.3f}], always answering the commonest class gives "
                f"{chosen['majority_rate']:.3f}")

    scores_class_folders = True  # `genrepipe evaluate` on a folder of class sub-folders

    def headline_of(self, truth: np.ndarray, probs: np.ndarray) -> float:
        """The headline score of songs' probabilities: song accuracy."""
        return float(np.mean(probs.argmax(axis=1) == truth))

    def chance(self, scores: dict) -> float:
        """The headline a model that learnt nothing gets on these songs."""
        return scores["majority_rate"]

    def summary_line(self, run: str, split: str, m: dict) -> str:
        return (f"{run}, {split}: song accuracy {m['song_accuracy']:.3f} [{m['song_accuracy_lo']:.3f}, "
                f"{m['song_accuracy_hi']:.3f}], song macro-F1 {m['song_macro_f1']:.3f} ({m['n_songs']} songs)")

    # -- fusion and report ----------------------------------------------------------------------
    def fusion_method(self, method: str, n_runs: int) -> str:
        return method

    def compare(self, rows: list[dict]) -> None:
        """Each run against the first on the same record songs: the exact McNemar test."""
        def correct(row):
            results = row["results"]
            return {s["song_id"]: s["label"] == s["predicted"] for s in results.songs
                    if s["split"] == "test" or "valid" not in row["metrics"]}

        best = correct(rows[0])
        for row in rows[1:]:
            other = correct(row)
            if set(other) != set(best):
                raise DataError(f"runs {rows[0]['run']!r} and {row['run']!r} were tested on different "
                                "songs; re-run `dvc repro`")
            songs = sorted(best)
            row["versus_best"] = mcnemar(np.array([best[s] for s in songs]),
                                         np.array([other[s] for s in songs]))

    def report(self, rows: list[dict], split: str) -> str:
        from ...reporting import genre_report

        return genre_report.report(rows, split)

    def table(self, rows: list[dict], split: str) -> str:
        from ...reporting import genre_report

        return genre_report.summary_table(rows, split)

    # -- predict --------------------------------------------------------------------------------
    def decider(self, metrics_dir, meta: dict) -> None:
        """What turns probabilities into an answer: the most probable class (nothing to read)."""
        return None

    answer_columns = ("top", "probability")

    def answer(self, prediction, decider, top: int) -> dict:
        """`genrepipe predict --json`'s answer for a song: its top class and `top` classes ranked."""
        ranking = prediction.ranking()
        return {"top": ranking[0][0], "probability": round(ranking[0][1], 6),
                "ranking": [{"class": c, "probability": round(p, 6)} for c, p in ranking[:top]]}

    def answer_row(self, prediction, decider) -> dict:
        """The CSV's task columns for a song (`answer_columns`): its top class and probability."""
        name, prob = prediction.ranking(1)[0]
        return {"top": name, "probability": f"{prob:.6f}"}

    def song_text(self, prediction, decider, top: int, describe) -> str:
        """`genrepipe predict`'s table for a song: its `top` classes ranked."""
        from ...reporting.predictions import rankings_text

        return rankings_text([prediction], top, max(12, *map(len, prediction.classes)), describe)
