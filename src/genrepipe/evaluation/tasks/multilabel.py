"""`Multilabel`: any number of tags a song (`dataset.task: multilabel`: a labels file's `tags`, or
the instruments a demo song plays).

Scored by ROC-AUC and PR-AUC per tag, macro and micro, with bootstrap intervals (chance: 0.5),
tags decided by thresholds chosen on valid (`tag_scoring`); taggers compared by a paired bootstrap
of the macro ROC-AUC difference on the same songs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from ...core.errors import DataError
from ...dataset.songs import MANIFEST_COLUMNS, NO_TAG, TAGS_COLUMN, join_tags, split_tags
from ...stats.multi_label import macro_roc_auc, paired_bootstrap

log = logging.getLogger(__name__)
NAME = "multilabel"  # `task` of a tagger's meta.json, scores.json and info.json


class Multilabel:
    """The multi-label task: tags a song, a sigmoid per tag, macro ROC-AUC first."""

    name = NAME
    what = "tags"
    demo_what = "instruments"
    row_metric = "macro_roc_auc"
    headline_key, headline_name, headline_suffix = "macro_roc_auc", "macro ROC-AUC", "_macro_roc_auc"
    second_key, second_name, second_rule = "macro_pr_auc", "macro PR-AUC", "higher macro PR-AUC"
    interval_kind = "bootstrap"
    labels_column, other_labels_column, other_name = "tags", "label", "multiclass"
    min_labels = 0
    needs_tags = True
    calibrates = False           # a threshold per tag is chosen on valid instead
    manifest_columns = (*MANIFEST_COLUMNS, TAGS_COLUMN)

    @property
    def output(self):
        """The Keras family's output layer, loss and metric (`models.outputs`)."""
        from ...models.outputs import SIGMOID_PER_TAG

        return SIGMOID_PER_TAG

    # -- labels on disk ------------------------------------------------------------------------
    def parse_labels(self, cell: str) -> tuple[str, ...]:
        """`"drums; bass;drums"` -> ("bass", "drums"): stripped, without empty or repeated tags,
        sorted."""
        return tuple(sorted({tag.strip() for tag in split_tags(cell) if tag.strip()}))

    def song_label(self, values: Sequence[str], parts: Sequence[str]) -> str:
        """The folder a song lies in (`songs` at the top): informative only, the tags are the targets."""
        return parts[0] if len(parts) > 1 else "songs"

    def song_tags(self, values: Sequence[str]) -> str:
        return join_tags(values)

    def settle_tags(self, songs: list, source: str, raw_dir: Path) -> str | None:
        """Keep on each song only the tags every split can score (`tagset.keep_song_tags`), write
        `tags.json` into `raw_dir`; returns the table download prints."""
        from ...core.store import write_json
        from ...dataset.tagset import TAGS_FILE, keep_song_tags, tag_table

        tags = keep_song_tags(songs, source)
        write_json(Path(raw_dir) / TAGS_FILE, tags)
        return tag_table(tags["tags"], tags["dropped"], tags["songs_per_split"])

    def index_tags(self, songs: list[dict], raw_dir) -> tuple[dict, dict]:
        """The kept tags (the windows index's `tags`) and each song's own (an augmented copy: its
        source song's)."""
        from ...core.store import read_json
        from ...dataset.tagset import TAGS_FILE

        own = {s["song_id"]: s[TAGS_COLUMN] for s in songs if TAGS_COLUMN in s}
        kept = read_json(Path(raw_dir) / TAGS_FILE, what="the tags kept by the download stage")["tags"]
        return ({"tags": kept},
                {s["song_id"]: split_tags(own[s.get("source_song", s["song_id"])]) for s in songs})

    # -- training -------------------------------------------------------------------------------
    def meta_fields(self) -> dict:
        return {"task": NAME}

    def outputs(self, features) -> list[str]:
        return features.tags

    def check_train_songs(self, features, where: str) -> None:
        """Download kept tags every split has; a later stage may skip songs: every tag still
        needs train songs with and without it."""
        train = features.songs("train")
        have = features.tag_matrix(train).sum(axis=0)
        one_sided = [t for t, n in zip(features.tags, have, strict=True) if n == 0 or n == len(train)]
        if one_sided:
            raise DataError(f"{features.folder}: tag(s) {', '.join(one_sided)} on none or all of "
                            f"the train songs{' in ' + where if where else ''} (songs "
                            "skipped after download, see the index's `skipped`); every tag needs "
                            "train songs with and without it (segment.short: pad keeps short songs)")

    def check_search(self, model: str, settings) -> None:
        if settings.get("search"):
            raise DataError(f"models.{model}.search: searches genre runs only; the run's task is "
                            "multi-label (dataset.task); expected no search")

    def targets(self, features, songs: list[dict]) -> np.ndarray:
        """Per song, a 0/1 row over the tags, int32 (n_songs, n_tags)."""
        return features.tag_matrix(songs).astype(np.int32)

    def loader_targets(self, features, songs: list[dict]) -> np.ndarray:
        """A network's target for each window: its song's 0/1 row over the tags."""
        return features.tag_matrix(songs)

    def wrap_classifier(self, classifier):
        """One model per tag."""
        from sklearn.multiclass import OneVsRestClassifier

        return OneVsRestClassifier(classifier)

    def calibration_folds(self, y: np.ndarray, songs: Sequence[str], seed: int, where):
        """Song-disjoint folds stratified on each tag in turn (`classic.SongFolds`)."""
        from ...models.classic import SongFolds

        return SongFolds(songs, seed)

    def row_score(self, pipeline, x: np.ndarray, y: np.ndarray) -> float | None:
        """The macro ROC-AUC of the rows, not the exact-match accuracy."""
        return macro_roc_auc(y, pipeline.predict_proba(x))

    # -- scoring --------------------------------------------------------------------------------
    def check_songs(self, features, songs: list[dict], classes: Sequence[str], split: str, run: str) -> None:
        if features.tags != list(classes):
            raise DataError(f"{features.folder}: tags {features.tags} differ from the tags run "
                            f"{run!r} learnt ({list(classes)}); re-run `dvc repro`")

    def truth(self, features, songs: list[dict], classes: Sequence[str]) -> np.ndarray:
        return features.tag_matrix(songs)

    def truth_of_rows(self, rows: list[dict], classes: Sequence[str]) -> np.ndarray:
        """The 0/1 (song, tag) matrix of songs.csv rows."""
        return np.array([[tag in split_tags(row["label"]) for tag in classes] for row in rows],
                        dtype=np.float32)

    def score(self, truth: np.ndarray, probs: np.ndarray, splits: Sequence[str], classes: Sequence[str],
              seed: int, windows: tuple | None = None) -> tuple[dict, np.ndarray]:
        """`tag_scoring.score_tagger`: per-tag and averaged scores, each song's decided tags."""
        from ..tag_scoring import score_tagger

        metrics, decided = score_tagger(truth, probs, splits, classes, seed)
        return {"task": NAME, **metrics}, decided

    def song_rows(self, splits: Sequence[str], song_ids: Sequence[str], truth: np.ndarray,
                  decided: np.ndarray, probs: np.ndarray, classes: Sequence[str]) -> Iterator[dict]:
        """songs.csv's rows: the song's tags, the tags decided for it, every probability."""
        from ..results import song_row

        for split, song_id, have, said, p in zip(splits, song_ids, truth, decided, probs, strict=True):
            yield song_row(split, song_id, join_tags(t for t, on in zip(classes, have, strict=True) if on),
                           join_tags(t for t, on in zip(classes, said, strict=True) if on), classes, p)

    def confusion(self, splits: Sequence[str], truth: np.ndarray, decided: np.ndarray,
                  classes: Sequence[str]) -> tuple[list[str], list[str], list[str], str]:
        """Tag co-occurrence of the record songs: for every song, each of its tags with each tag
        decided for it; a song without tags (or without decided ones) pairs with `(none)`."""
        actual, predicted = [], []
        for split, have, said in zip(splits, truth, decided, strict=True):
            if split == "valid":
                continue
            true_tags = [classes[i] for i in np.flatnonzero(have)] or [NO_TAG]
            said_tags = [classes[i] for i in np.flatnonzero(said)] or [NO_TAG]
            for a in true_tags:
                for p in said_tags:
                    actual.append(a)
                    predicted.append(p)
        return actual, predicted, [*classes, NO_TAG], " (actual x decided tags)"

    def chance_text(self, chosen: dict) -> str:
        from ...reporting.tables import interval

        return f"macro ROC-AUC {interval(chosen, 'macro_roc_auc')} reaches 0.5 (chance)"

    scores_class_folders = False  # `genrepipe evaluate` on a folder of class sub-folders

    def headline_of(self, truth: np.ndarray, probs: np.ndarray) -> float | None:
        """The headline score of songs' probabilities: macro ROC-AUC (None: no tag defined)."""
        return macro_roc_auc(truth, probs)

    def chance(self, scores: dict) -> float:
        return 0.5

    def summary_line(self, run: str, split: str, m: dict) -> str:
        from ...reporting.tables import interval

        return (f"{run}, {split}: macro ROC-AUC {interval(m, 'macro_roc_auc')}, macro PR-AUC "
                f"{interval(m, 'macro_pr_auc')}, macro F1 {m['macro_f1']:.3f} ({m['n_songs']} songs, "
                f"{m['n_tags']} tags)")

    # -- fusion and report ----------------------------------------------------------------------
    def fusion_method(self, method: str, n_runs: int) -> str:
        """Taggers are averaged, whatever `fuse.method` says."""
        if method != "mean":
            log.info(
                "fuse.method=%r combines genre runs; %s averaged (mean)", method,
                "the tagger is" if n_runs == 1 else f"the {n_runs} taggers are")
        return "mean"

    def compare(self, rows: list[dict], seed: int = 0) -> None:
        """Each tagger against the first on the same record songs (k-fold: every song): a paired
        bootstrap of the macro ROC-AUC difference (fixed seed: the report reads no params)."""
        from ..results import probabilities

        def tested(row):
            keep = [r for r in row["results"].songs if r["split"] == "test" or "valid" not in row["metrics"]]
            return {r["song_id"]: r for r in keep}

        best = tested(rows[0])
        songs = sorted(best)
        tags = rows[0]["results"].classes
        truth = self.truth_of_rows([best[s] for s in songs], tags)
        best_probs = probabilities([best[s] for s in songs], tags)
        for row in rows[1:]:
            other = tested(row)
            if set(other) != set(best) or row["results"].classes != tags:
                raise DataError(f"taggers {rows[0]['run']!r} and {row['run']!r} were tested on different "
                                "songs or tags; re-run `dvc repro`")
            row["versus_best"] = paired_bootstrap(truth, best_probs,
                                                  probabilities([other[s] for s in songs], tags), seed)

    def report(self, rows: list[dict], split: str) -> str:
        from ...reporting import tag_report

        return tag_report.report(rows, split)

    def table(self, rows: list[dict], split: str) -> str:
        from ...reporting import tag_report

        return tag_report.summary_table(rows, split)

    # -- predict --------------------------------------------------------------------------------
    def decider(self, metrics_dir, meta: dict) -> dict[str, float]:
        """A tagger's decision thresholds, chosen by its evaluate stage (scores.json; the
        fusion's model folder holds its own)."""
        from ..results import read_scores

        if "thresholds" in meta:
            return meta["thresholds"]

        folder = Path(metrics_dir)
        try:
            scores = read_scores(folder, meta["run"])
        except DataError:
            raise DataError(f"{folder / meta['run']}: no scores of tagger {meta['run']!r}, whose decision "
                            "thresholds its evaluate stage chooses; run `dvc repro` first (or --metrics "
                            "FOLDER)") from None
        thresholds = scores.get("thresholds") or {}
        if set(thresholds) != set(meta["classes"]):
            raise DataError(f"{folder / meta['run'] / 'scores.json'}: thresholds for tags "
                            f"{sorted(thresholds)}, but the model predicts {meta['classes']}; expected "
                            "the scores of this model (re-run `dvc repro`, or --metrics FOLDER)")
        return thresholds

    answer_columns = ("tags", "top", "probability")

    def answer(self, prediction, decider: dict[str, float], top: int) -> dict:
        """`genrepipe predict --json`'s answer for a song: its decided tags, then its tags by
        probability, each with its threshold (every decided tag, and at least `top` tags)."""
        from ...reporting.predictions import tag_rows

        rows = tag_rows(prediction, decider, top)
        return {"tags": [r["tag"] for r in rows if r["decided"]], "top": rows[0]["tag"],
                "probability": rows[0]["probability"], "ranking": rows}

    def answer_row(self, prediction, decider: dict[str, float]) -> dict:
        """The CSV's task columns for a song: its decided tags (joined as in the manifest), its
        most probable tag and that probability."""
        name, prob = prediction.ranking(1)[0]
        decided = [tag for tag, p in prediction.ranking() if p >= decider[tag]]
        return {"tags": join_tags(decided), "top": name, "probability": f"{prob:.6f}"}

    def song_text(self, prediction, decider: dict[str, float], top: int, describe) -> str:
        """`genrepipe predict`'s table for a song: decided tags, then tags with thresholds."""
        from ...reporting.predictions import tags_text

        return tags_text([prediction], decider, top, describe)
