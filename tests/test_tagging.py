"""Multi-label tagging (`dataset.task: multilabel`): the labels file and its bad rows, which tags
are kept, the stable split, taggers that learn (and one that cannot), thresholds, the fusion
and the report of taggers."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from genrepipe.config.params import validate
from genrepipe.core.errors import DataError, ParameterError
from genrepipe.dataset.tagset import keep_tags
from genrepipe.evaluation.tasks.lookup import MULTICLASS, MULTILABEL
from genrepipe.sources.labels import read_labels, scan_labelled

from conftest import download_stage, tone


def write_labels(path: Path, rows: list[dict], columns=("path", "tags")) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)


def song_folder(root: Path, names: list[str]) -> Path:
    import soundfile as sf

    for i, name in enumerate(names):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        sf.write(root / name, tone(220.0 + 40 * i, 1.0), 8000)
    return root


def test_tags_are_parsed_stripped_unique_and_sorted():
    assert MULTILABEL.parse_labels(" drums; bass;drums ;;") == ("bass", "drums")
    assert MULTILABEL.parse_labels(" ; ") == ()


def test_labels_file_rows_missing_files_and_unlisted_files_are_skipped_and_listed(tmp_path):
    root = song_folder(tmp_path / "songs", ["a.wav", "b.wav", "sub/c.wav", "d.wav", "e.wav"])
    (root / "notes.txt").write_text("not audio")
    write_labels(root / "labels.csv", [
        {"path": "a.wav", "tags": "drums;bass"}, {"path": "sub/c.wav", "tags": "piano"},
        {"path": "b.wav", "tags": " "},                # no tags
        {"path": "a.wav", "tags": "piano"},            # a second row for a.wav
        {"path": "gone.wav", "tags": "drums"},         # no such file
        {"path": "e.wav", "tags": "bass"}])
    jobs, skipped = scan_labelled(root, "labels.csv", tmp_path / "raw", 8000, MULTILABEL)
    assert {Path(j.source).name: j.tags for j in jobs} == {"a.wav": "bass;drums", "c.wav": "piano",
                                                         "e.wav": "bass"}
    assert {j.label for j in jobs} == {"songs", "sub"}
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons["b.wav"] == "labels.csv line 4: no tags"
    assert reasons["a.wav"] == "labels.csv line 5: a second row for this file"
    assert reasons["gone.wav"] == "labels.csv line 6: listed but not found"
    assert reasons["d.wav"] == "no row in labels.csv"
    assert "notes.txt" not in reasons and "labels.csv" not in reasons


def test_labels_file_as_spreadsheets_write_it(tmp_path):
    """A byte-order mark, Windows line ends and backslashes, a short row, a blank line, an extra
    column, a path leaving the folder."""
    root = song_folder(tmp_path / "songs", ["a.wav", "sub/b.wav", "c.wav"])
    (root / "labels.csv").write_bytes(
        "\ufeffpath,tags,comment\r\na.wav,drums;bass,x\r\nsub\\b.wav,piano\r\n\r\nc.wav\r\n"
        "../elsewhere.wav,drums,\r\n".encode("utf-8"))
    jobs, skipped = scan_labelled(root, "labels.csv", tmp_path / "raw", 8000, MULTILABEL)
    assert {Path(j.source).name: j.tags for j in jobs} == {"a.wav": "bass;drums", "b.wav": "piano"}
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons == {"c.wav": "labels.csv line 5: no tags",
                       "elsewhere.wav": "labels.csv line 6: the path is not inside dataset.path "
                                        "(expected a path relative to it)"}


def test_a_tag_the_results_cannot_hold_is_one_error_line(tmp_path):
    root = song_folder(tmp_path / "songs", ["a.wav"])
    write_labels(root / "labels.csv", [{"path": "a.wav", "tags": "rock|pop"}])
    with pytest.raises(DataError, match=r"line 2: tags 'rock\|pop' cannot be a name in the results"):
        scan_labelled(root, "labels.csv", tmp_path / "raw", 8000, MULTILABEL)


def test_fewer_than_two_kept_tags_is_one_error_line():
    from genrepipe.dataset.songs import Song
    from genrepipe.dataset.tagset import keep_song_tags

    songs = [Song(f"s{i}", "x", f"x/s{i}.wav", 1.0, "", "", split=split, tags=tags)
             for i, (split, tags) in enumerate([("train", "a;b"), ("train", "a"), ("train", "b"),
                                                 ("train", ""), ("valid", "a"), ("valid", "b"),
                                                 ("test", "a"), ("test", "")])]
    with pytest.raises(DataError, match=r"1 tag\(s\) \['a'\] .* expected at least 2"):
        keep_song_tags(songs, "folder")


def test_labels_file_errors_are_one_line_and_say_what_is_allowed(tmp_path):
    root = song_folder(tmp_path / "songs", ["a.wav", "b.wav"])
    write_labels(root / "tags.csv", [{"path": "a.wav", "tags": "x"}])
    with pytest.raises(DataError, match=r"has no label column but a tags column \(set "
                                        r"dataset.task=multilabel\)"):
        scan_labelled(root, "tags.csv", tmp_path / "raw", 8000, MULTICLASS)
    write_labels(tmp_path / "outside.csv", [{"path": "a.wav", "tags": "x"}])
    with pytest.raises(DataError, match="outside dataset.path"):
        scan_labelled(root, "../outside.csv", tmp_path / "raw", 8000, MULTILABEL)
    with pytest.raises(DataError, match="not found in"):
        scan_labelled(root, "missing.csv", tmp_path / "raw", 8000, MULTILABEL)
    write_labels(root / "one.csv", [{"path": "a.wav", "label": "x"}, {"path": "b.wav", "label": "x"}],
                 columns=("path", "label"))
    with pytest.raises(DataError, match="1 distinct label"):
        scan_labelled(root, "one.csv", tmp_path / "raw", 8000, MULTICLASS)
    with pytest.raises(DataError) as info:
        read_labels(root / "tags.csv", "tags.csv", MULTICLASS)
    assert "\n" not in str(info.value)


def test_params_refuse_a_multilabel_task_without_tags(raw_params):
    raw_params["dataset"]["task"] = "multilabel"
    raw_params["dataset"]["source"] = "folder"
    with pytest.raises(ParameterError, match="has no tags to learn from dataset.source='folder' "
                                             "without dataset.labels"):
        validate(raw_params)
    raw_params["dataset"]["source"] = "demo"
    assert validate(raw_params).dataset.task == "multilabel"
    raw_params["dataset"]["labels"] = "labels.csv"
    with pytest.raises(ParameterError, match="dataset.labels=.* is not read by dataset.source='demo'"):
        validate(raw_params)


def test_a_tag_is_kept_only_where_every_split_can_score_and_train_it():
    splits = ["train"] * 4 + ["valid"] * 2 + ["test"] * 2
    song_tags = [["a", "b", "c"], ["a", "c"], ["b", "d"], [],      # train
                 ["a"], ["b", "d"],                                # valid
                 ["a", "b", "c"], ["d", "c"]]                      # test
    kept, dropped, counts = keep_tags(song_tags, splits)
    assert kept == ["a", "b"]
    assert dropped == {"c": "no valid song has it",
                       "d": "1 train song with it; 2 needed (song-disjoint calibration folds)"}
    assert counts["a"] == {"train": 2, "valid": 1, "test": 1}
    folds = ["fold0", "fold1", "fold2"] * 2
    kept, dropped, _ = keep_tags([["x", "y"], ["x"], ["x", "z"], [], ["x", "y"], ["y"]], folds)
    assert kept == ["y"]
    assert dropped == {"x": "every fold1 song has it", "z": "no fold0 song has it"}


def test_the_multilabel_demo_keeps_the_genre_split_and_the_genre_manifest_unchanged(raw_params, tmp_path):
    raw_params["dataset"]["demo"] = {"songs_per_genre": 10, "duration": 1,
                                     "genres": ["disco", "metal", "classical"]}
    raw_params["sample_rate"] = 8000
    genre = validate(raw_params)
    download_stage(genre, tmp_path / "genre", jobs=1)
    raw_params["dataset"]["task"] = "multilabel"
    download_stage(validate(raw_params), tmp_path / "tags", jobs=1)
    # the genre manifest's bytes as the code before multi-label tagging wrote them (commit 260891c)
    import hashlib

    assert hashlib.md5((tmp_path / "genre/manifest.csv").read_bytes()).hexdigest() == \
        "ae475830593bba8b40fa20c4e1a5ad67"
    genre_rows = list(csv.DictReader(open(tmp_path / "genre/manifest.csv")))
    tag_rows = list(csv.DictReader(open(tmp_path / "tags/manifest.csv")))
    assert "tags" not in genre_rows[0] and not (tmp_path / "genre/tags.json").exists()
    # the same songs in the same splits: the split is the hashed group split of the genre task
    assert [{k: r[k] for k in genre_rows[0]} for r in tag_rows] == genre_rows
    kept = json.loads((tmp_path / "tags/tags.json").read_text())
    assert "drums" in kept["tags"] and all(set(r["tags"].split(";")) <= set(kept["tags"]) | {""}
                                           for r in tag_rows)
    # classical has no drums in the demo, metal and disco always do
    assert all(("drums" in r["tags"].split(";")) == (r["label"] != "classical") for r in tag_rows)


def make_tag_store(folder: Path, n_tags: int = 4, songs: dict | None = None, shuffled: bool = False,
                   seed: int = 0) -> Path:
    """A transform output whose tags are learnable: each tag shifts its own band up. With
    `shuffled`, the index's tags are permuted across songs (nothing to learn)."""
    songs = songs or {"train": 40, "valid": 20, "test": 20}
    rng = np.random.default_rng(seed)
    tags = [f"tag{t}" for t in range(n_tags)]
    folder.mkdir(parents=True)
    rows = []
    for split, count in songs.items():
        for i in range(count):
            have = rng.random(n_tags) < 0.5
            have[i % n_tags] = True  # no song without tags
            have[(i + 1) % n_tags] = False  # nor with every tag
            x = rng.normal(0, 1, size=(3, 8)).astype(np.float32)
            x[:, :n_tags] += 2.0 * have
            song_id = f"s.{split}{i}"
            np.save(folder / f"{song_id}.npy", x)
            rows.append({"song_id": song_id, "label": "songs", "split": split, "n_windows": 3,
                         "tags": [t for t, h in zip(tags, have) if h]})
    if shuffled:
        order = rng.permutation(len(rows))
        rows = [{**row, "tags": rows[j]["tags"]} for row, j in zip(rows, order)]
    index = {"transform": "fft", "params": {}, "dtype": "float32", "shape": [8], "sample_rate": 8000,
             "window": 1.0, "hop": 1.0, "window_samples": 8000, "hop_samples": 8000, "tags": tags,
             "songs": rows, "skipped": []}
    (folder / "index.json").write_text(json.dumps(index))
    return folder


def train_and_evaluate(tmp_path: Path, features: Path, model: str, name: str, **settings) -> dict:
    from genrepipe.pipeline.evaluate import evaluate_run
    from genrepipe.models.run import RunSpec, TrainPaths
    from genrepipe.pipeline.train import train_run

    from conftest import complete_settings

    train_run(RunSpec(name, model, "fft", complete_settings(model, **settings), seed=0),
              TrainPaths(features, tmp_path / "models" / name, tmp_path / "curves" / name))
    return evaluate_run(name, tmp_path / "models" / name, features, tmp_path / "runs", seed=0)


@pytest.mark.parametrize("model", ["svc", "logreg"])
def test_a_tagger_learns_separable_tags_and_a_shuffled_one_is_flagged(tmp_path, model):
    learnable = make_tag_store(tmp_path / "tags")
    scores = train_and_evaluate(tmp_path, learnable, model, "tagger")
    assert scores["task"] == "multilabel"
    assert scores["test"]["macro_roc_auc"] > 0.95 and scores["valid"]["above_chance"]
    assert set(scores["thresholds"]) == {"tag0", "tag1", "tag2", "tag3"}
    assert scores["test"]["macro_f1"] > 0.8
    headline = json.loads((tmp_path / "runs/tagger.json").read_text())
    assert set(headline) == {"valid_macro_roc_auc", "test_macro_roc_auc"}
    shuffled = make_tag_store(tmp_path / "shuffled", shuffled=True)
    scores = train_and_evaluate(tmp_path, shuffled, model, "shuffled")
    assert not scores["valid"]["above_chance"]
    assert scores["valid"]["macro_roc_auc_lo"] <= 0.5
    rows = list(csv.DictReader(open(tmp_path / "runs/tagger/songs.csv")))
    assert list(rows[0])[:4] == ["split", "song_id", "label", "predicted"]
    assert {r["split"] for r in rows} == {"valid", "test"}


def test_a_keras_tagger_has_sigmoid_outputs_and_learns(tmp_path):
    from genrepipe.models.trained import TrainedRun

    features = make_tag_store(tmp_path / "tags", songs={"train": 60, "valid": 20, "test": 20})
    scores = train_and_evaluate(tmp_path, features, "cnn1d", "cnn", filters=[8], kernel_size=3,
                                dense=16, epochs=20, min_epochs=0, patience=20, batch_size=16,
                                learning_rate=0.01, dropout=0.0, label_smoothing=0.0,
                                batch_augment={"shift": False, "mixup": 0.0, "time_mask": 0.0,
                                               "band_mask": 0.0, "noise_std": 0.0})
    trained = TrainedRun(tmp_path / "models/cnn")
    probs = trained.predict_windows(np.load(features / "s.test0.npy"))
    assert probs.shape == (3, 4) and not np.allclose(probs.sum(axis=1), 1.0)  # not a softmax
    assert scores["test"]["macro_roc_auc"] > 0.9


def test_kfold_thresholds_for_a_fold_come_from_the_other_folds_only():
    from genrepipe.evaluation.tag_scoring import score_tagger

    rng = np.random.default_rng(0)
    folds = np.repeat(["fold0", "fold1", "fold2"], 30)
    truth = (rng.random((90, 2)) < 0.5).astype(np.float32)
    probs = np.clip(truth * 0.3 + rng.random((90, 2)) * 0.7, 0, 1)
    # fold0's probabilities are shifted up: its own best threshold would differ from the others'
    probs[folds == "fold0"] += 0.25
    metrics, decided = score_tagger(truth, probs, folds, ["a", "b"], seed=0)
    from genrepipe.stats.multi_label import best_thresholds

    others = folds != "fold0"
    expected = probs[~others] >= best_thresholds(truth[others], probs[others])
    assert np.array_equal(decided[~others], expected)
    assert metrics["folds"]["k"] == 3 and "test" in metrics and "valid" not in metrics
    assert set(metrics["thresholds"]) == {"a", "b"}


def test_fusion_averages_taggers_and_the_report_shows_every_tag(tmp_path):
    from genrepipe.pipeline.fuse import fuse_runs
    from genrepipe.pipeline.report import write_report

    features = make_tag_store(tmp_path / "tags")
    train_and_evaluate(tmp_path, features, "logreg", "logreg-a")
    train_and_evaluate(tmp_path, features, "svc", "svc-a")
    fused = fuse_runs(tmp_path / "runs", ["logreg-a", "svc-a"], tmp_path / "metrics", seed=0,
                      method="stack")
    assert fused["method"] == "mean" and fused["runs"] == ["logreg-a", "svc-a"]
    a = list(csv.DictReader(open(tmp_path / "runs/logreg-a/songs.csv")))
    b = list(csv.DictReader(open(tmp_path / "runs/svc-a/songs.csv")))
    f = list(csv.DictReader(open(tmp_path / "metrics/fusion/songs.csv")))
    assert float(f[0]["p_tag0"]) == pytest.approx((float(a[0]["p_tag0"]) + float(b[0]["p_tag0"])) / 2)
    write_report(tmp_path / "runs", tmp_path / "summary.md", tmp_path / "summary.png",
                 ["logreg-a", "svc-a"], fusion_dir=tmp_path / "metrics",
                 headline_path=tmp_path / "headline.json")
    text = (tmp_path / "summary.md").read_text()
    assert "macro ROC-AUC" in text and "tag by tag" in text
    assert all(f"| tag{t} |" in text for t in range(4))
    headline = json.loads((tmp_path / "headline.json").read_text())
    assert set(headline) == {"fusion_valid", "fusion_test", "best_valid", "best_test", "best_run"}
    from genrepipe.evaluation.choice import choose_run

    name, reason = choose_run(tmp_path / "runs", ["logreg-a", "svc-a"])
    scores = {n: json.loads((tmp_path / f"runs/{n}.json").read_text()) for n in ("logreg-a", "svc-a")}
    assert name == max(scores, key=lambda n: scores[n]["valid_macro_roc_auc"])
    assert reason.startswith(f"the best valid macro ROC-AUC ({scores[name]['valid_macro_roc_auc']:.3f})")


def test_a_calibrated_tagger_trains_on_a_rare_tag_at_song_level():
    """Three songs with a tag: fewer song-disjoint calibration folds than the usual five."""
    from genrepipe.models import classic
    from genrepipe.models.registry import get_model

    from conftest import complete_settings

    rng = np.random.default_rng(0)
    truth = np.zeros((30, 2), dtype=int)
    truth[:3, 0] = 1
    truth[:, 1] = np.arange(30) % 2
    x = rng.normal(size=(30, 6)) + 2.0 * np.pad(truth, ((0, 0), (0, 4)))
    pipeline = classic._fitted(get_model("svc"), complete_settings("svc"), x, truth,
                               [f"s{i}" for i in range(30)], 0, 1, (6,), "here", MULTILABEL)
    assert pipeline.predict_proba(x).shape == (30, 2)
    folds = classic.SongFolds([f"s{i}" for i in range(30)], seed=0)
    assert folds.get_n_splits(x, truth[:, 0]) == 3 and not hasattr(folds, "n_splits")


def test_without_valid_songs_thresholds_are_one_half_and_the_report_says_so(tmp_path, caplog):
    from genrepipe.pipeline.fuse import fuse_runs
    from genrepipe.pipeline.report import write_report

    features = make_tag_store(tmp_path / "tags", songs={"train": 40, "test": 20})
    scores = train_and_evaluate(tmp_path, features, "logreg", "logreg-a")
    assert "valid" not in scores and scores["thresholds_from"].startswith("none")
    assert set(scores["thresholds"].values()) == {0.5}
    with caplog.at_level("INFO", logger="genrepipe"):
        fuse_runs(tmp_path / "runs", ["logreg-a"], tmp_path / "metrics", seed=0, method="select")
    assert "fuse.method='select' combines genre runs; the tagger is averaged (mean)" in caplog.text
    write_report(tmp_path / "runs", tmp_path / "summary.md", tmp_path / "summary.png", ["logreg-a"],
                 fusion_dir=tmp_path / "metrics")
    row = next(line for line in (tmp_path / "summary.md").read_text().splitlines()
               if line.startswith("| logreg-a |"))
    assert row.split(" | ")[3] == "-"  # no valid score
