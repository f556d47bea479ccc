"""`genrepipe predict`: whole songs of any format and length, with what the model folder says."""

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from genrepipe.cli import main
from genrepipe.config.params import validate
from genrepipe.models.trained import TrainedRun
from genrepipe.pipeline.novelty import fit_novelty
from genrepipe.predict import predict_song

from conftest import ROOT, download_stage, segment_stage, tone, train_stage, transform_stage


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A tiny trained project: 3 demo genres at 8 kHz, 1 s windows, svc on mfcc and rfc on fft
    (8 songs a genre: enough valid songs for an exact interval to clear chance)."""
    return tiny_project(tmp_path_factory.mktemp("project"), 8000,
                        {"svc-mfcc": {"model": "svc", "transform": "mfcc"},
                         "rfc-fft": {"model": "rfc", "transform": "fft"}})


def tiny_project(root, sample_rate: int, runs: dict):
    """The tiny project at `sample_rate` with `runs` (of mfcc and fft) trained and evaluated, and
    its novelty detector."""
    import copy

    import yaml

    from conftest import seed_with_every_split

    raw = copy.deepcopy(yaml.safe_load((ROOT / "params.yaml").read_text()))
    genres, ratios = ["classical", "metal", "reggae"], {"train": 0.5, "valid": 0.25, "test": 0.25}
    raw.update(sample_rate=sample_rate, window=1, seed=seed_with_every_split(genres, 8, ratios))
    raw["dataset"]["demo"].update(songs_per_genre=8, duration=6, genres=genres)
    raw["dataset"]["ratios"] = ratios
    raw["transforms"] = {"mfcc": {"n_mfcc": 13, "n_mels": 32, "n_fft": 512, "hop_length": 256},
                         "fft": {"n_bins": 64}}
    raw["runs"] = runs
    raw["models"] = {"svc": {"C": 1.0}, "rfc": {"n_estimators": 30}}
    params = validate(raw)
    download_stage(params, root / "data/raw", jobs=2)
    segment_stage(params, root / "data/raw", root / "data/windows", jobs=2)
    for name in {run.transform for run in params.runs.values()}:
        transform_stage(name, params, root / "data/windows", root / f"data/features/{name}", jobs=2)
    for name, run in params.runs.items():
        train_stage(name, params, root / f"data/features/{run.transform}", root / f"models/{name}",
                  root / f"metrics/train/{name}", manifest=root / "data/raw/manifest.csv")
    from genrepipe.pipeline.evaluate import evaluate_run

    for name, run in params.runs.items():
        evaluate_run(name, root / f"models/{name}", root / f"data/features/{run.transform}",
                     root / "metrics/runs", seed=params.seed)
    fit_novelty(root / "data/windows", root / "models/novelty", root / "metrics", jobs=2)
    return root


@pytest.fixture
def songs(tmp_path, project):
    """The same demo song as WAV, FLAC, OGG and MP3 at other rates and channel counts."""
    y, sr = sf.read(project / "data/raw/metal/metal.00001.wav")
    paths = []
    for fmt, rate, channels in (("WAV", 8000, 1), ("FLAC", 16000, 2), ("OGG", 22050, 1), ("MP3", 22050, 2)):
        import librosa

        z = librosa.resample(y, orig_sr=sr, target_sr=rate)
        z = np.stack([z] * channels, axis=1) if channels > 1 else z
        path = tmp_path / f"song.{fmt.lower()}"
        sf.write(path, z, rate, format=fmt)
        paths.append(path)
    return paths


def test_predict_every_format_and_plots(project, songs, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(project)
    code = main(["predict", *map(str, songs), "--run", "svc-mfcc", "--top", "3",
                 "--plot", str(tmp_path / "genres.png"), "--timeline", str(tmp_path / "timeline.png")])
    out = capsys.readouterr().out
    assert code == 0
    for path in songs:
        assert f"{path}  (6.0 s, 6 windows of 1 s, run svc-mfcc)" in out
    assert out.count("   1. ") == 4 and out.count("   3. ") == 4 and "   4. " not in out
    for png in ("genres.png", "timeline.png"):
        assert (tmp_path / png).read_bytes()[:4] == b"\x89PNG"


def test_json_ranking_sums_to_one_and_defaults_to_the_best_run(project, songs, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["predict", str(songs[0]), "--json", "--top", "10"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1  # JSON lines: one object per song
    result = json.loads(lines[0])
    accuracy = {r: json.loads((project / f"metrics/runs/{r}.json").read_text())["valid_song_acc"]
                for r in ("svc-mfcc", "rfc-fft")}
    best = sorted(accuracy, key=lambda r: (-accuracy[r], r))[0]  # ties: by name
    assert result["model"] == best and result["status"] == "ok" and result["windows"] == 6
    ranking = result["ranking"]
    probabilities = [r["probability"] for r in ranking]
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(r["probability"] for r in ranking) == pytest.approx(1.0, abs=1e-4)
    assert {r["class"] for r in ranking} == {"classical", "metal", "reggae"}
    assert result["top"] == ranking[0]["class"] and result["probability"] == ranking[0]["probability"]


def test_song_score_is_the_mean_of_window_probabilities(project, songs):
    trained = TrainedRun(project / "models/rfc-fft")
    prediction = predict_song(trained, songs[0])
    assert prediction.window_probs.shape == (6, 3)
    np.testing.assert_allclose(prediction.probs, prediction.window_probs.mean(axis=0))
    np.testing.assert_allclose(prediction.starts, np.arange(6.0))


def test_short_song_is_padded_and_said(project, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(project)
    sf.write(tmp_path / "short.wav", tone(440, 0.3, 8000), 8000)
    assert main(["predict", str(tmp_path / "short.wav"), "--run", "svc-mfcc"]) == 0
    captured = capsys.readouterr()
    assert "short.wav (0.30 s) is shorter than one 1 s window; padded with silence" in captured.err
    assert "1 windows of 1 s" in captured.out


def test_unreadable_and_missing_files_are_one_line_errors(project, songs, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(project)
    (tmp_path / "notes.mp3").write_text("not audio")
    code = main(["predict", str(tmp_path / "notes.mp3"), str(tmp_path / "absent.wav"), str(songs[0]),
                 "--run", "svc-mfcc"])
    captured = capsys.readouterr()
    assert code == 1
    skipped = [line for line in captured.err.splitlines() if "skipped " in line]
    assert len(skipped) == 2
    assert skipped[0].startswith(f"genrepipe: skipped {tmp_path / 'notes.mp3'}: undecodable")
    assert skipped[1] == f"genrepipe: skipped {tmp_path / 'absent.wav'}: not found"
    assert captured.err.splitlines()[-1] == "genrepipe: 1 of 3 files classified, 2 skipped"
    assert str(songs[0]) in captured.out  # the good song is still classified


def test_a_demo_model_says_why_it_was_chosen_and_what_it_knows(project, songs, capsys, monkeypatch):
    monkeypatch.chdir(project)
    meta = json.loads((project / "models/svc-mfcc/meta.json").read_text())
    assert meta["dataset"] == {
        "source": "demo", "location": f"synthetic demo songs (demo:seed={meta['seed']})",
        "songs": 24, "classes": ["classical", "metal", "reggae"], "split": "ratios",
        "songs_per_split": meta["dataset"]["songs_per_split"]}
    assert sum(meta["dataset"]["songs_per_split"].values()) == 24
    assert main(["predict", str(songs[0])]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("genrepipe: using run ") and "the best valid song accuracy" in err[0]
    assert err[1].startswith("genrepipe: warning: run ") and "trained on the synthetic demo songs" in err[1]
    assert main(["predict", str(songs[0]), "--run", "svc-mfcc", "--plot", str(songs[0].parent / "g.png")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert not any("using run" in line for line in err)  # named, not chosen
    assert err[-1] == f"genrepipe: wrote {songs[0].parent / 'g.png'} (the genres of each song, ranked)"


def test_outside_a_project_predict_says_so(songs, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["predict", str(songs[0])]) == 2  # the command could not run
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a genrepipe project (no params.yaml, no trained runs" in err


def test_missing_run(project, songs, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["predict", str(songs[0]), "--run", "cnn9d"]) == 2
    err = capsys.readouterr().err
    assert err == ("genrepipe: error: command line: --run='cnn9d' has no model folder "
                   "(models/cnn9d); expected one of: rfc-fft, svc-mfcc\n")


def test_a_saved_model_folder_ignores_current_params(project, songs, tmp_path, capsys):
    saved = tmp_path / "saved-run"
    shutil.copytree(project / "models/svc-mfcc", saved)
    (project / "params.yaml").write_text("window: 5\n")  # whatever params say now is not read
    assert main(["predict", str(songs[0]), "--model-dir", str(saved), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["model"] == "svc-mfcc" and result["windows"] == 6  # 1 s windows, as trained


def write_scores(folder, name, scores, model="svc"):
    """A run's scores.json, info.json and headline, as the evaluate stage leaves them."""
    from genrepipe.evaluation.results import INFO, SCORES, SONGS, headline
    from genrepipe.evaluation.tasks.lookup import task_of_record

    (folder / name).mkdir()
    (folder / name / SCORES).write_text(json.dumps(scores))
    (folder / name / INFO).write_text(json.dumps({"run": name, "model": model, "transform": "mfcc",
                                                  "classes": ["a", "b"]}))
    (folder / name / SONGS).write_text("split,song_id,label,predicted,p_a,p_b\n")
    (folder / f"{name}.json").write_text(json.dumps(headline(scores, task_of_record(scores))))


def test_ties_go_to_macro_f1_then_the_simpler_model_then_the_name(tmp_path):
    from genrepipe.evaluation.choice import choose_run

    def valid(f1):
        return {"valid": {"song_accuracy": 1.0, "song_macro_f1": f1}, "test": {"song_accuracy": 0.5}}

    write_scores(tmp_path, "net", valid(1.0), model="cnn2d")
    write_scores(tmp_path, "forest", valid(0.9), model="rfc")
    name, why = choose_run(tmp_path, ["forest", "net"])
    assert name == "net" and "tied with forest, chosen by higher macro-F1" in why
    write_scores(tmp_path, "svm", valid(1.0), model="svc")
    name, why = choose_run(tmp_path, ["net", "svm"])
    assert name == "svm" and "chosen by the simpler model (scikit-learn before Keras)" in why
    write_scores(tmp_path, "another-svm", valid(1.0), model="svc")
    assert choose_run(tmp_path, ["svm", "another-svm"]) == (
        "another-svm", "the best valid song accuracy (1.000) of 2 runs; tied with svm, chosen by "
        "name (valid song macro-F1 1.000)")


def test_the_default_run_is_chosen_on_valid_never_on_test(tmp_path):
    from genrepipe.evaluation.choice import best_run

    scores = {"a": (0.9, 0.5), "b": (0.6, 1.0), "gone": (1.0, 1.0)}
    for name, (valid, test) in scores.items():
        write_scores(tmp_path, name, {"valid": {"song_accuracy": valid}, "test": {"song_accuracy": test}})
    assert best_run(tmp_path, ["a", "b"]) == "a"  # "gone" was removed from params.yaml
    assert best_run(tmp_path) == "gone"
    write_scores(tmp_path, "k", {"test": {"song_accuracy": 0.95}, "folds": {}})
    assert best_run(tmp_path, ["a", "k"]) == "k"  # k-fold: the cross-validated score


@pytest.mark.parametrize("run", ["svc-mfcc", "rfc-fft"])
def test_predict_gives_what_evaluate_computed_for_a_song_of_the_dataset(project, run):
    """One decode and one featurisation path: `genrepipe predict` on a song of the dataset gives
    the probabilities the evaluate stage wrote for it."""
    from genrepipe.core.store import read_csv

    trained = TrainedRun(project / f"models/{run}")
    rows = read_csv(project / f"metrics/runs/{run}/songs.csv")
    assert {r["split"] for r in rows} == {"valid", "test"}
    for row in rows:
        prediction = predict_song(trained, project / f"data/raw/{row['label']}/{row['song_id']}.wav")
        expected = [float(row[f"p_{c}"]) for c in trained.classes]
        np.testing.assert_allclose(prediction.probs, expected, atol=1e-6)
        assert prediction.ranking()[0][0] == row["predicted"]


def test_predict_decodes_a_file_as_the_download_stage_stores_it(tmp_path):
    from genrepipe.audio.decode import canonical, load_audio, read_wav
    from genrepipe.dataset.convert import ConvertJob, convert_song

    original = tmp_path / "loud.wav"
    sf.write(original, 1.5 * tone(440, 2, 44100, amplitude=1.0), 44100, subtype="FLOAT")  # above full scale
    song = convert_song(ConvertJob(str(original), "x", "x.loud", str(tmp_path / "raw"), 8000))
    stored, _ = read_wav(tmp_path / "raw" / song.path)
    decoded = load_audio(original, 8000)
    np.testing.assert_array_equal(canonical(decoded, 8000), stored)
    assert np.abs(decoded - stored).max() > 0.1  # the scaling and quantisation matter


def test_a_run_no_better_than_chance_is_never_the_default(tmp_path):
    from genrepipe.core.errors import DataError
    from genrepipe.evaluation.choice import best_run

    for name, valid, chance in (("lucky", 0.9, False), ("modest", 0.6, True)):
        write_scores(tmp_path, name, {"valid": {"song_accuracy": valid, "above_chance": chance},
                                      "test": {"song_accuracy": 0.5}})
    assert best_run(tmp_path) == "modest"
    with pytest.raises(DataError, match="no run did better than chance on its valid songs"):
        best_run(tmp_path, ["lucky"])


def test_list_fits_a_terminal_and_names_the_runs_trained_here(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert max(map(len, out.splitlines())) <= 160
    trained = out[out.index("Trained runs"):].splitlines()
    for run in ("svc-mfcc", "rfc-fft"):
        valid = json.loads((project / f"metrics/runs/{run}.json").read_text())["valid_song_acc"]
        assert any(line.split()[:1] == [run] and f"{valid:.3f} (valid)" in line for line in trained), trained
    monkeypatch.chdir(project.parent)  # elsewhere: the registries only
    assert main(["list"]) == 0 and "Trained runs" not in capsys.readouterr().out


@pytest.fixture
def library(project, tmp_path):
    """A music library: 12 clips (demo songs of every genre, three in a nested album folder, one
    with a Latin-1 name: not valid UTF-8), a hidden clip, a text file and a clip cut off mid-way
    (its header says more than is there)."""
    clips = sorted((project / "data/raw").glob("*/*.wav"))[:11]
    root = tmp_path / "library"
    (root / "album" / "disc 1").mkdir(parents=True)
    for i, clip in enumerate(clips[:10]):
        target = root / ("album/disc 1" if i < 3 else "") / f"{i:02d} {clip.name}"
        shutil.copy(clip, target)
    os.rename(target, os.fsencode(root) + f"/09 caf\xe9 {clips[9].name}".encode("latin-1"))
    shutil.copy(clips[10], root / ".hidden.wav")
    (root / "notes.txt").write_text("liner notes")
    whole = clips[10].read_bytes()
    (root / "cut.wav").write_bytes(whole[: len(whole) // 2])
    return root


def test_a_folder_gives_a_csv_row_per_file_and_exit_1_when_one_is_skipped(project, library, tmp_path,
                                                                          capsys, monkeypatch):
    from genrepipe.core.store import read_csv

    monkeypatch.chdir(project)
    csv = tmp_path / "songs.csv"
    assert main(["predict", str(library), "--run", "svc-mfcc", "--csv", str(csv)]) == 1
    err = capsys.readouterr().err
    rows = read_csv(csv)
    assert [r["status"] for r in rows].count("ok") == 10 and len(rows) == 11
    cut = [r for r in rows if r["status"] == "skipped"]
    assert cut[0]["path"] == str(library / "cut.wav")
    assert cut[0]["reason"].startswith("cut off (") and "its RIFF header says" in cut[0]["reason"]
    assert f"genrepipe: skipped {library / 'cut.wav'}: cut off (" in err
    assert not any("hidden" in r["path"] or "notes" in r["path"] for r in rows)
    assert [r["path"] for r in rows] == sorted(r["path"] for r in rows)  # a stable order
    paths = [r["path"] for r in rows]
    assert str(library / "album/disc 1/00 classical.00000.wav") in paths  # walked
    latin1 = [r for r in rows if "caf" in r["path"]]  # a name that is not UTF-8: used, shown escaped
    assert len(latin1) == 1 and latin1[0]["status"] == "ok"
    assert latin1[0]["path"].startswith(f"{library}/09 caf\\xe9 ") and latin1[0]["path"].endswith(".wav")
    classes = ["classical", "metal", "reggae"]
    for row in (r for r in rows if r["status"] == "ok"):
        probs = [float(row[f"p_{c}"]) for c in classes]
        assert sum(probs) == pytest.approx(1.0, abs=1e-5)
        assert row["top"] == classes[int(np.argmax(probs))] and float(row["probability"]) == max(probs)
        assert row["model"] == "svc-mfcc" and row["windows"] == "6" and row["seconds"] == "6.000"

    assert main(["predict", str(library), "--run", "svc-mfcc", "--json"]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(s["path"], s["status"]) for s in lines] == [(r["path"], r["status"]) for r in rows]
    for song, row in zip(lines, rows):
        if song["status"] == "ok":
            assert song["top"] == row["top"] and song["probability"] == float(row["probability"])
        else:
            assert song["reason"] == row["reason"]


def test_a_batch_gives_what_one_song_at_a_time_gives(project, library):
    """Songs classified together in worker processes get the probabilities each gets alone."""
    from genrepipe.predict import RunModel, classify
    from genrepipe.sources.files import library_files

    model = RunModel(project / "models/rfc-fft")
    files = library_files([library])
    together = list(classify(model, files, jobs=2, batch_windows=40))
    for item, result in zip(files, together, strict=True):
        if item.path.name == "cut.wav":
            assert result.reason.startswith("cut off")
            continue
        np.testing.assert_allclose(result.probs, predict_song(model, item.path).probs, atol=1e-12)


def test_a_scikit_learn_run_answers_without_tensorflow(project, library):
    """Start-up loads nothing it need not: no TensorFlow or Keras for an svc on mfcc."""
    import subprocess
    import sys

    code = ("import sys; from genrepipe.cli import main; "
            f"rc = main(['predict', {str(library)!r}, '--run', 'svc-mfcc', '--jobs', '2']); "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules), rc)")
    result = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "[] 1", result.stderr


def test_version_and_python_m(tmp_path):
    import subprocess
    import sys

    from genrepipe import __version__

    result = subprocess.run([sys.executable, "-m", "genrepipe", "--version"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == f"genrepipe {__version__}\n"
    help_text = subprocess.run([sys.executable, "-m", "genrepipe", "predict", "--help"],
                               capture_output=True, text=True).stdout
    assert "genrepipe predict ~/Music/reels --csv reels.csv" in help_text and "exit status" in help_text


def test_the_fusion_predicts_what_the_fuse_stage_wrote(project, tmp_path, monkeypatch):
    """`predict --run fusion --uncalibrated` on the test songs' audio gives the fuse stage's song
    probabilities (and a run's, its evaluate stage's): one path from audio to probabilities;
    without --uncalibrated, the same scaled by the temperature the stage learnt."""
    from genrepipe.core.store import read_csv
    from genrepipe.pipeline.fuse import fuse_runs
    from genrepipe.stats.calibration import apply_temperature

    root = tmp_path / "project"
    shutil.copytree(project, root)
    fuse_runs(root / "metrics/runs", ["svc-mfcc", "rfc-fft"], root / "metrics", seed=0,
              method="stack", model_dir=root / "models/fusion")
    monkeypatch.chdir(root)
    classes = ["classical", "metal", "reggae"]
    temperatures = {"fusion": json.loads((root / "models/fusion/fusion.json").read_text()),
                    "svc-mfcc": json.loads((root / "metrics/runs/svc-mfcc/scores.json").read_text())}
    temperatures = {k: v["calibration"]["temperature"] for k, v in temperatures.items()}
    assert all(t != 1.0 for t in temperatures.values()), temperatures
    for model, written in (("fusion", "metrics/fusion/songs.csv"), ("svc-mfcc", "metrics/runs/svc-mfcc/songs.csv")):
        rows = [r for r in read_csv(root / written) if r["split"] == "test"]
        paths = [f"data/raw/{r['label']}/{r['song_id']}.wav" for r in rows]
        expected = np.array([[float(row[f"p_{c}"]) for c in classes] for row in rows])
        for option, probs in (("--uncalibrated", expected), (None, apply_temperature(expected, temperatures[model]))):
            assert main(["predict", *paths, "--run", model, "--csv", "out.csv", "--jobs", "2",
                         *([option] if option else [])]) == 0
            answers = read_csv(root / "out.csv")
            assert [a["path"] for a in answers] == paths and {a["model"] for a in answers} == {model}
            np.testing.assert_allclose([[float(a[f"p_{c}"]) for c in classes] for a in answers], probs, atol=1e-6)
            assert [a["top"] for a in answers] == [r["predicted"] for r in rows]


def test_the_fusion_is_the_default_only_when_better_on_songs_it_did_not_learn_on(tmp_path):
    from genrepipe.evaluation.choice import choose_run
    from genrepipe.evaluation.fusion_model import write_fusion_model

    runs = tmp_path / "runs"
    runs.mkdir()
    write_scores(runs, "a", {"valid": {"song_accuracy": 0.8}, "test": {"song_accuracy": 0.5}})
    write_scores(runs, "b", {"valid": {"song_accuracy": 0.7}, "test": {"song_accuracy": 0.9}})

    def fusion(score, above_chance=True):
        write_fusion_model(tmp_path / "fusion", {
            "run": "fusion", "method": "stack", "classes": ["a", "b"],
            "combination": {"members": ["a", "b"], "stack": None},
            "choice": {"on": "valid, 5 parts", "score": score, "above_chance": above_chance}})
        return choose_run(runs, ["a", "b"], fusion_dir=tmp_path / "fusion")

    name, why = fusion(0.85)
    assert name == "fusion" and why == ("the fusion (stack of 2 runs) has the best song accuracy: 0.850 "
                                        "(valid, 5 parts), against 0.800 for the best run, a (valid)")
    assert fusion(0.8) == ("a", "the best valid song accuracy (0.800) of 2 runs (the fusion: 0.800, "
                                "valid, 5 parts)")  # a tie goes to the single run
    assert fusion(0.95, above_chance=False)[0] == "a"
    assert choose_run(runs, ["a", "b"], fusion_dir=tmp_path / "no-fusion")[0] == "a"


def test_evaluate_on_a_labelled_folder_reproduces_the_evaluate_stage(project, tmp_path, capsys, monkeypatch):
    """`genrepipe evaluate` on the test songs' audio, in class folders named in other case (and
    one by another name, mapped) gives the evaluate stage's test scores; a class the model does
    not know is counted apart, not scored."""
    from genrepipe.core.store import read_csv

    monkeypatch.chdir(project)
    rows = [r for r in read_csv(project / "metrics/runs/svc-mfcc/songs.csv") if r["split"] == "test"]
    names = {"classical": "Classical", "metal": "heavy", "reggae": "REGGAE"}
    for row in rows:
        folder = tmp_path / "labelled" / names[row["label"]] / "disc"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(project / f"data/raw/{row['label']}/{row['song_id']}.wav", folder)
    (tmp_path / "labelled/jazz").mkdir()
    sf.write(tmp_path / "labelled/jazz/tune.wav", tone(300, 3, 8000), 8000)
    out = tmp_path / "eval"
    assert main(["evaluate", str(tmp_path / "labelled"), "--run", "svc-mfcc", "--map", "heavy=metal",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    record = json.loads((out / "evaluation.json").read_text())
    stage = json.loads((project / "metrics/runs/svc-mfcc/scores.json").read_text())["test"]
    for key in ("song_accuracy", "song_accuracy_lo", "song_accuracy_hi", "song_macro_f1",
                "song_macro_f1_lo", "song_macro_f1_hi", "n_songs", "song_recall", "majority_rate",
                "ece", "ece_calibrated", "brier", "brier_calibrated"):
        assert record[key] == pytest.approx(stage[key]), key
    assert record["classes"] == {"Classical": "classical", "REGGAE": "reggae", "heavy": "metal", "jazz": None}
    assert record["unknown_classes"] == {"jazz": 1}
    assert record["unknown_class_songs"] == [str(tmp_path / "labelled/jazz/tune.wav")]
    assert f"song accuracy {stage['song_accuracy']:.3f} [" in text
    assert "jazz: 1 song of a class the model does not know (not scored)" in text
    assert (out / "confusion.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["evaluate", str(tmp_path / "labelled"), "--run", "svc-mfcc", "--map", "heavy=pop"]) == 2
    assert "--map='heavy=pop' names 'pop', which the model does not know" in capsys.readouterr().err


def test_a_run_is_calibrated_only_by_its_own_scores(project, tmp_path):
    """The temperature comes from the run's scores when they describe this model; scores of
    another model under the same name (another project's, say) leave it uncalibrated, and say so."""
    from genrepipe.evaluation.calibration import run_temperature
    from genrepipe.models.trained import read_meta

    meta = read_meta(project / "models/svc-mfcc")
    scores = json.loads((project / "metrics/runs/svc-mfcc/scores.json").read_text())
    assert run_temperature(project / "metrics/runs", meta) == (scores["calibration"]["temperature"], None)
    other = tmp_path / "runs"
    shutil.copytree(project / "metrics/runs", other)
    info = json.loads((other / "svc-mfcc/info.json").read_text())
    (other / "svc-mfcc/info.json").write_text(json.dumps({**info, "transform": "mel"}))
    temperature, note = run_temperature(other, meta)
    assert temperature == 1.0 and "describes another model" in note and "svc-mfcc" in note
    assert run_temperature(tmp_path / "nowhere", meta)[1].endswith("(run `dvc repro`, or --metrics FOLDER)")


def test_noise_a_tone_speech_and_silence_are_unknown_and_the_songs_are_not(tmp_path_factory, tmp_path,
                                                                           capsys, monkeypatch):
    """Sounds no training song is like come out `unknown (unlike the training songs)` beside
    their ranking, in the table, the JSON and the CSV; the project's test songs come out as the
    novelty stage judged them (the threshold was set on valid so that about 1 % would). At
    16 kHz: at 8 kHz the speech clip lies inside the synthetic songs' range (docs/evaluation.md)."""
    from genrepipe.core.store import read_csv

    project = tiny_project(tmp_path_factory.mktemp("project16k"), 16000,
                           {"svc-mfcc": {"model": "svc", "transform": "mfcc"},
                            "rfc-fft": {"model": "rfc", "transform": "fft"}})

    monkeypatch.chdir(project)
    sr, rng = 16000, np.random.default_rng(0)
    others = tmp_path / "not music"
    others.mkdir()
    t = np.arange(6 * sr) / sr
    sf.write(others / "noise.wav", 0.3 * rng.standard_normal(t.size), sr)
    sf.write(others / "tone.wav", 0.5 * np.sin(2 * np.pi * 440 * t), sr)
    sf.write(others / "silence.wav", np.zeros(t.size), sr)
    shutil.copy(ROOT / "tests/data/speech.wav", others / "speech.wav")
    songs = tmp_path / "songs"
    rows = [r for r in read_csv(project / "metrics/novelty/songs.csv") if r["split"] == "test"]
    for row in rows:
        songs.mkdir(exist_ok=True)
        shutil.copy(project / f"data/raw/{row['label']}/{row['song_id']}.wav", songs)
    for run in ("svc-mfcc", "rfc-fft"):
        csv = tmp_path / f"{run}.csv"
        assert main(["predict", str(others), str(songs), "--run", run, "--csv", str(csv), "--jobs", "1"]) == 0
        out, err = capsys.readouterr()
        answers = {Path(r["path"]).name: r for r in read_csv(csv)}
        for name in ("noise.wav", "tone.wav", "speech.wav", "silence.wav"):
            assert answers[name]["unknown"] == "yes", (run, answers[name])
        assert float(answers["tone.wav"]["novelty"]) > 1 and answers["tone.wav"]["top"]  # ranked too
        assert answers["silence.wav"]["reason"].startswith("unknown: silent (") and not answers["silence.wav"]["top"]
        known = [answers[f"{r['song_id']}.wav"] for r in rows]
        assert [a["unknown"] == "yes" for a in known] == [r["unknown"] == "yes" for r in rows]
        assert sum(a["unknown"] == "yes" for a in known) <= 0.05 * len(known) + 1
        assert f"{others / 'tone.wav'}  (6.0 s," in out and "  unknown (unlike the training songs): " in out
        flagged = 4 + sum(r["unknown"] == "yes" for r in rows)
        assert f"{4 + len(rows)} of {4 + len(rows)} files classified ({flagged} unknown: unlike the training songs)" in err
    assert main(["predict", str(others / "speech.wav"), str(songs / f"{rows[0]['song_id']}.wav"),
                 "--run", "svc-mfcc", "--json", "--jobs", "1"]) == 0
    speech, song = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert speech["unknown"] is True and speech["novelty"] > 1 and speech["ranking"]
    assert song["unknown"] is (rows[0]["unknown"] == "yes") and 0 <= song["novelty"]

    # the evaluate stage's model folder carries the detector, its temperature and its card: a
    # copy of it, far from the project, still marks speech unknown and answers calibrated
    from genrepipe.pipeline.evaluate import evaluate_run

    saved = tmp_path / "elsewhere/svc-mfcc"
    evaluate_run("svc-mfcc", project / "models/svc-mfcc", project / "data/features/mfcc", tmp_path / "m",
                 model_out=saved, novelty=project / "models/novelty/novelty.json")
    assert {p.name for p in saved.iterdir()} >= {"MODEL_CARD.md", "calibration.json", "novelty.json", "meta.json"}
    monkeypatch.chdir(tmp_path)
    assert main(["predict", str(others / "speech.wav"), "--model-dir", str(saved), "--json", "--jobs", "1"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["unknown"] is True and "note:" not in err
