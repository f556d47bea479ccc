"""End to end with real DVC commands in a temporary git repo holding a copy of the project."""

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time

import numpy as np
import pytest
import yaml

from genrepipe.core.store import read_csv

from browser import RecordingProxy, render
from conftest import ROOT, SCAN, TINY_CNN, VENV_BIN, run, seed_with_every_split, stages_run, up_to_date

pytestmark = pytest.mark.e2e

TINY = dict(sample_rate=8000, window=3, seed=seed_with_every_split(["disco", "reggae"], 3),
            dataset__demo__songs_per_genre=3, dataset__demo__duration=12,
            dataset__demo__genres=["disco", "reggae"],
            transforms={"fft": {"n_bins": 32}, "stft": {"n_fft": 256, "hop_length": 128},
                        "mfcc": {"n_mfcc": 13, "n_mels": 32, "n_fft": 256, "hop_length": 128},
                        "mel": {"n_mels": 32, "n_fft": 256, "hop_length": 128, "dtype": "float16"}},
            models={"svc": {"C": 1.0}}, runs={"svc-mfcc": {"model": "svc", "transform": "mfcc"}})


def out_hashes(repo) -> dict:
    """Each stage output's md5 as recorded in dvc.lock."""
    lock = yaml.safe_load((repo / "dvc.lock").read_text())
    return {out["path"]: out["md5"] for stage in lock["stages"].values() for out in stage["outs"]}


def test_repro_noop_checkout_and_window_experiment(project):
    repo, set_params = project
    set_params(**TINY)
    result = run(["dvc", "repro"], repo)
    assert "songs, 0 skipped" in result.stdout
    dag = run(["dvc", "dag", "--dot"], repo).stdout
    for edge in ('"download" -> "segment"', '"segment" -> "transform@fft"', '"segment" -> "transform@mel"'):
        assert edge in dag

    windows = json.loads((repo / "data/windows/index.json").read_text())
    assert windows["window_samples"] == 3 * 8000 and len(windows["songs"]) == 6
    assert all(s["n_windows"] == 4 for s in windows["songs"])
    mel = json.loads((repo / "data/features/mel/index.json").read_text())
    assert mel["shape"] == [32, 188] and mel["dtype"] == "float16"
    first = mel["songs"][0]
    array = np.load(repo / f"data/features/mel/{first['song_id']}.npy")
    assert array.shape == (4, 32, 188) and array.dtype == np.float16
    assert {s["split"] for s in mel["songs"]} == {"train", "valid", "test"}

    assert stages_run(run(["dvc", "repro"], repo).stdout) == [SCAN] and up_to_date(repo)

    # outputs are hard links into the cache, and checkout restores them
    assert os.stat(repo / "data/windows" / f"{first['song_id']}.npy").st_nlink == 2
    before = out_hashes(repo)
    shutil.rmtree(repo / "data/windows")
    run(["dvc", "checkout"], repo)
    assert (repo / "data/windows/index.json").is_file()
    assert stages_run(run(["dvc", "repro"], repo).stdout) == [SCAN]

    # only mel re-runs when a mel param changes
    set_params(transforms__mel__n_mels=16)
    rerun = run(["dvc", "repro"], repo).stdout
    assert "Running stage 'transform@mel'" in rerun
    assert "Running stage 'transform@stft'" not in rerun and "Running stage 'segment'" not in rerun
    set_params(transforms__mel__n_mels=32)
    run(["dvc", "repro"], repo)
    assert out_hashes(repo) == before  # (`dvc exp run -S window=5`: the training test)


def test_bad_params_fail_the_stage_with_one_line(project):
    repo, set_params = project
    set_params(**{**TINY, "window": -2})
    result = run(["dvc", "repro"], repo, check=False)
    assert result.returncode != 0
    line = [l for l in result.stderr.splitlines() if "genrepipe download: error" in l]
    assert line == ["genrepipe download: error: params.yaml: window=-2 is out of range; "
                    "expected a number > 0 and <= 600"]
    assert "Traceback" not in result.stderr
    assert not (repo / "data/raw").exists()


def test_killed_run_then_repro_gives_the_same_bytes(project):
    repo, set_params = project
    set_params(**{**TINY, "dataset__demo__songs_per_genre": 40, "executor": {"jobs": 1}})
    env = {**os.environ, "PATH": VENV_BIN + os.pathsep + os.environ["PATH"]}
    proc = subprocess.Popen(["dvc", "repro"], cwd=repo, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = repo / "data/windows.partial"
    deadline = time.monotonic() + 120
    while not (partial.is_dir() and len(list(partial.glob("*.npy"))) >= 5):
        assert proc.poll() is None and time.monotonic() < deadline, "segment never started"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert partial.is_dir() and not (repo / "data/windows").exists()  # killed mid-way, no output

    run(["dvc", "repro"], repo)
    resumed = out_hashes(repo)
    assert not partial.exists()
    run(["dvc", "repro", "--force"], repo)
    assert out_hashes(repo) == resumed
    assert "metrics/runs/svc-mfcc.json" in resumed and "models/svc-mfcc" in resumed


def readme_comparison_commands() -> list[str]:
    """The commands of the README's "Comparing experiments" block."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Comparing experiments"):]
    block = section[section.index("```\n") + 4:]
    return [line.split("  #")[0].strip() for line in block[:block.index("```")].splitlines()
            if line.strip()]


def test_training_runs_experiment_metrics_diff_and_plots(project, tmp_path):
    repo, set_params = project
    runs = {"svc-mfcc": {"model": "svc", "transform": "mfcc"}, "rfc-fft": {"model": "rfc", "transform": "fft"},
            "cnn1d-mfcc": {"model": "cnn1d", "transform": "mfcc"}, "cnn2d-mel": {"model": "cnn2d", "transform": "mel"}}
    # cnn2d's block as written before `augment` was renamed `batch_augment`: it still runs
    set_params(**{**TINY, "runs": runs, "models": {"svc": {"C": 1.0}, "rfc": {"n_estimators": 20},
                                                   "cnn1d": TINY_CNN,
                                                   "cnn2d": {**TINY_CNN, "augment": {"mixup": 0.2}}}})
    result = run(["dvc", "repro"], repo)
    assert "| run | model | transform |" in result.stdout
    # quiet, informative logs: no TensorFlow start-up lines, every stage's end line names it
    log = result.stdout + result.stderr
    assert "oneDNN" not in log and "absl::InitializeLog" not in log
    assert log.count("params.yaml: models.cnn2d.augment is deprecated") == 1  # train@cnn2d-mel
    stages = re.findall(r"Running stage '([^']+)'", result.stdout)
    assert "train@cnn2d-mel" in stages and "transform@mel" in stages
    assert [s for s in stages if f"genrepipe: {s} done in " not in log] == []
    summary = (repo / "metrics/summary.md").read_text()
    for name in runs:  # tiny runs may be marked as no better than chance: listed all the same
        assert re.search(rf"\| {re.escape(name)}( \(no better than chance: [0-9.]+\))? \|", summary)
        scores = json.loads((repo / f"metrics/runs/{name}/scores.json").read_text())
        assert scores["test"]["n_songs"] == 2 and scores["test"]["n_windows"] == 8
        assert scores["valid"]["n_songs"] == 2
        assert json.loads((repo / f"metrics/runs/{name}.json").read_text()) == {
            "valid_song_acc": scores["valid"]["song_accuracy"],
            "test_song_acc": scores["test"]["song_accuracy"]}
        meta = json.loads((repo / f"models/{name}/meta.json").read_text())
        assert meta["dataset"]["source"] == "demo" and meta["dataset"]["songs"] == 6
        assert (repo / f"metrics/runs/{name}/confusion.png").is_file()
    assert (repo / "models/cnn2d-mel/model.keras").is_file() and (repo / "models/svc-mfcc/model.skops").is_file()
    assert (repo / "metrics/train/cnn2d-mel/plots/metrics/eval/loss.tsv").is_file()
    headline = json.loads((repo / "metrics/headline.json").read_text())
    assert set(headline) == {"fusion_valid", "fusion_test", "best_valid", "best_test", "best_run",
                             "unknown_test"}
    assert headline["best_run"] in runs
    novelty = json.loads((repo / "metrics/novelty.json").read_text())["novelty"]
    assert headline["unknown_test"] == round(novelty["test"]["rate"], 4) and novelty["test"]["songs"] == 2
    assert json.loads((repo / "models/novelty/novelty.json").read_text())["set_on"] == "the valid songs (2)"
    assert f"Unknown (unlike the training songs; `genrepipe predict` marks such songs beside their ranking): " \
           f"{novelty['test']['unknown']} of 2 test songs" in summary

    # `dvc metrics show`: one line per run (and the fusion and headline files), in 160 columns
    shown = run(["dvc", "metrics", "show"], repo, env_extra={"COLUMNS": "160"}).stdout.splitlines()
    assert len(shown) == 1 + len(runs) + 2 and max(map(len, shown)) <= 160, "\n".join(shown)

    # byte-stable: training a network again gives the same model, bytes for bytes (the
    # scikit-learn runs and the stages before: `test_killed_run_then_repro_gives_the_same_bytes`)
    lock = (repo / "dvc.lock").read_bytes()
    assert json.loads((repo / "metrics/timing/cnn2d-mel.json").read_text())["train_seconds"] > 0
    trained = run(["dvc", "repro", "--force", "--single-item", "train@cnn2d-mel"], repo).stdout
    assert stages_run(trained) == ["train@cnn2d-mel"]  # (mixup: the more random of the two)
    assert (repo / "dvc.lock").read_bytes() == lock
    # every model folder has its card, which a forced re-run writes again byte for byte
    for name in [*runs, "fusion"]:
        card = (repo / f"models/{name}/MODEL_CARD.md").read_text()
        assert card.startswith(f"# Model card: {name}\n") and "synthetic demo songs, not on real music" in card
    assert "## How well it did" in card and "unknown (unlike the training songs)" in card
    assert json.loads((repo / "models/svc-mfcc/calibration.json").read_text())["calibration"]["temperature"] > 0
    again = run(["dvc", "repro", "--force", "--single-item", "evaluate@svc-mfcc", "fuse"], repo).stdout
    assert sorted(re.findall(r"Running stage '([^']+)'", again)) == ["evaluate@svc-mfcc", "fuse"]
    assert (repo / "dvc.lock").read_bytes() == lock

    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", "baseline"], repo)
    shutil.copytree(repo / "models/cnn2d-mel", repo.parent / "cnn2d-mel-3s")
    run(["dvc", "exp", "run", "-S", "window=5"], repo)
    windows = json.loads((repo / "data/windows/index.json").read_text())
    assert windows["window"] == 5 and windows["window_samples"] == 5 * 8000
    assert all(s["n_windows"] == 2 for s in windows["songs"])
    first = windows["songs"][0]["song_id"]
    assert np.load(repo / "data/windows" / f"{first}.npy").shape == (2, 40000)
    assert json.loads((repo / "data/features/stft/index.json").read_text())["window"] == 5
    song = str(repo / "data/raw/disco/disco.00000.wav")  # 12 s
    old = json.loads(run(["genrepipe", "predict", song, "--model-dir", str(repo.parent / "cnn2d-mel-3s"),
                          "--json"], repo).stdout)
    new = json.loads(run(["genrepipe", "predict", song, "--run", "cnn2d-mel", "--json"], repo).stdout)
    assert old["windows"] == 4 and new["windows"] == 2  # 3 s windows as trained, then 5 s
    # `dvc metrics diff`: at most the two headline figures of each run, the fusion's and the project's
    diff = json.loads(run(["dvc", "metrics", "diff", "--json"], repo).stdout)
    assert set(diff) <= {*(f"metrics/runs/{name}.json" for name in runs), "metrics/fusion.json",
                         "metrics/headline.json"}
    for path, changes in diff.items():
        assert set(changes) <= ({"valid_song_acc", "test_song_acc"} if path != "metrics/headline.json"
                                else set(headline)), (path, changes)
    shown = run(["dvc", "exp", "show", "--json"], repo).stdout
    assert '"window": 5' in shown and '"window": 3' in shown

    # the README's commands to compare experiments, as a 160-column terminal shows them
    commands = readme_comparison_commands()
    assert [c.split()[:3] for c in commands] == [["dvc", "exp", "show"], ["dvc", "metrics", "diff"]]
    table = run(shlex.split(commands[0]), repo, env_extra={"COLUMNS": "160"}).stdout
    assert "…" not in table and max(map(len, table.splitlines())) <= 160, table
    for column in ("Experiment", "fusion_valid", "fusion_test", "best_valid", "best_test", "best_run",
                   "window"):
        assert column in table, table
    rows = run(shlex.split(commands[1]), repo, env_extra={"COLUMNS": "160"}).stdout.splitlines()
    assert len(rows) - 1 <= 2 * (len(runs) + 1) + len(headline), rows
    assert (ROOT / "Makefile").read_text().count(commands[0]) == 1  # `make compare` runs the same

    # `dvc plots show` renders offline in a real browser: every plot drawn, nothing fetched
    run(["dvc", "plots", "show", "-o", "plots_html"], repo)
    page = repo / "plots_html/index.html"
    with RecordingProxy() as proxy:
        dom = render(page, proxy, tmp_path / "chromium-profile")
    ids = [plot.id for plot in dom.plots]
    assert sorted(ids) == sorted(["metrics_plots_curves_json", "metrics_plots_reliability_json",
                                  "metrics_summary_png",
                                  *(f"metrics_runs_{name}_confusion_json" for name in runs)]), ids
    assert [plot.id for plot in dom.plots if not plot.drawn] == []
    for plot in dom.plots:
        for src in plot.images:  # images are copied next to the page
            assert (page.parent / src).resolve().is_relative_to(page.parent.resolve()), src
            assert (page.parent / src).is_file(), src
    assert dom.loaded == [] and [url for url in dom.resources if not url.startswith("file:")] == []
    assert proxy.page_requests() == []
    curves = json.loads((repo / "metrics/plots/curves.json").read_text())
    assert {row["run"] for row in curves} == {"cnn1d-mfcc", "cnn2d-mel"}  # scikit-learn: no epochs
    assert {(row["curve"], row["metric"]) for row in curves} == {
        (c, m) for c in ("train", "valid") for m in ("loss", "accuracy")}


def test_kfold_experiment_reports_mean_and_std(project):
    repo, set_params = project
    set_params(**{**TINY, "dataset__demo__songs_per_genre": 6, "dataset__folds": 3,
                  "models": {"svc": {"C": 1.0}, "rfc": {"n_estimators": 20}},
                  "runs": {**TINY["runs"], "rfc-fft": {"model": "rfc", "transform": "fft"}}})
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", "tiny pipeline"], repo)
    run(["dvc", "exp", "run", "-S", "dataset.split=kfold"], repo)
    manifest = read_csv(repo / "data/raw/manifest.csv")
    assert {r["split"] for r in manifest} == {"fold0", "fold1", "fold2"}
    metrics = json.loads((repo / "metrics/runs/svc-mfcc/scores.json").read_text())
    assert json.loads((repo / "metrics/runs/svc-mfcc.json").read_text()) == {
        "cv_song_acc": metrics["test"]["song_accuracy"]}
    assert metrics["folds"]["k"] == 3 and metrics["test"]["n_songs"] == 12
    assert metrics["folds"]["song_accuracy_lo"] <= metrics["folds"]["song_accuracy_hi"]
    assert sorted(p.name for p in (repo / "models/svc-mfcc").iterdir()) == [
        "MODEL_CARD.md", "calibration.json", "fold0", "fold1", "fold2", "meta.json", "novelty.json"]
    summary = (repo / "metrics/summary.md").read_text()
    assert "| svc-mfcc | svc | mfcc |" in summary and "| (best) | 12 |" in summary
    assert "cross-validated song acc." in summary
    _predicts_after_k_folds_with_every_fold_model(repo, manifest)


def _predicts_after_k_folds_with_every_fold_model(repo, manifest):
    """After k folds there are only fold models: a run predicts with their mean, the fusion
    combines those means as learnt on every song's cross-validated predictions; both say so,
    and the fusion's folder records it."""
    from genrepipe.evaluation.fusion_model import read_fusion_model
    from genrepipe.predict import RunModel, predict_song
    from genrepipe.stats.calibration import apply_temperature

    record = read_fusion_model(repo / "models/fusion")
    assert record["members_predict_with"] == "the mean of each member's fold models"
    assert record["learnt_on"] == "every song's cross-validated predictions"
    assert record["choice"]["on"] == "cross-validated"
    songs = [str(repo / "data/raw" / m["path"]) for m in manifest[:3]]
    result = run(["genrepipe", "predict", *songs, "--run", "fusion", "--csv", "fused.csv"], repo)
    assert ("genrepipe: fusion: the mean of each member's fold models; the combination learnt on "
            "every song's cross-validated predictions") in result.stderr
    members = record["combination"].members
    by_member = np.stack([[predict_song(RunModel(repo / "models" / m), s).probs for s in songs]
                          for m in members])
    # combined as learnt, then scaled by the temperature learnt on every song's nested predictions
    assert record["calibration"]["fit_on"].startswith("for each fold, the other folds'")
    expected = apply_temperature(record["combination"].apply(by_member, members),
                                 record["calibration"]["temperature"])
    rows = read_csv(repo / "fused.csv")
    np.testing.assert_allclose([[float(r[f"p_{c}"]) for c in ("disco", "reggae")] for r in rows],
                               expected, atol=1e-6)
    result = run(["genrepipe", "predict", songs[0], "--run", "svc-mfcc"], repo)
    assert ("run svc-mfcc was trained in 3 folds: it predicts with the mean of its fold models' "
            "probabilities") in result.stderr
    fold_mean = np.mean([predict_song(RunModel(repo / f"models/svc-mfcc/fold{i}"), songs[0]).probs
                         for i in range(3)], axis=0)
    np.testing.assert_allclose(predict_song(RunModel(repo / "models/svc-mfcc"), songs[0]).probs,
                               fold_mean, atol=1e-9)
    result = run(["genrepipe", "predict", songs[0]], repo)
    assert result.stderr.startswith("genrepipe: using ")  # the default: the fusion or a run, and why
