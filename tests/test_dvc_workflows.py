"""DVC's own scale-out: queued experiments side by side, and a remote shared by two clones."""

import json
import time

import pytest
import yaml

from conftest import SCAN, run, seed_with_every_split, stages_run, up_to_date

pytestmark = pytest.mark.e2e

TINY = dict(sample_rate=8000, window=1, seed=seed_with_every_split(["jazz", "metal"], 3),
            dataset__demo__songs_per_genre=3, dataset__demo__duration=4,
            dataset__demo__genres=["jazz", "metal"],
            transforms={"mfcc": {"n_mfcc": 13, "n_mels": 32, "n_fft": 256, "hop_length": 128}},
            models={"svc": {"C": 1.0}}, runs={"svc-mfcc": {"model": "svc", "transform": "mfcc"}})


def test_queued_experiments_run_side_by_side(project):
    repo, set_params = project
    set_params(**TINY)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", "tiny pipeline"], repo)
    for window in (1, 2):
        run(["dvc", "exp", "run", "--queue", "-n", f"w{window}", "-S", f"window={window}"], repo)
    run(["dvc", "queue", "start", "-j", "2"], repo)
    deadline = time.monotonic() + 300
    while True:
        status = run(["dvc", "queue", "status"], repo).stdout
        if "Queued" not in status and "Running" not in status:
            break
        assert time.monotonic() < deadline, status
        time.sleep(2)
    assert status.count("Success") == 2, status
    shown = json.loads(run(["dvc", "exp", "show", "--json"], repo).stdout)
    results = {}
    for baseline in shown:  # the workspace, then the commit the experiments branch from
        for rev in (rev for experiment in baseline.get("experiments") or [] for rev in experiment["revs"]):
            data = rev["data"]
            headline = data["metrics"]["metrics/runs/svc-mfcc.json"]["data"]
            assert sorted(headline) == ["test_song_acc", "valid_song_acc"]
            scores = json.loads(run(["git", "show", f"{data['rev']}:metrics/runs/svc-mfcc/scores.json"],
                                    repo).stdout)
            results[data["params"]["params.yaml"]["data"]["window"]] = scores["test"]["n_windows"]
    assert results == {1: 2 * 4, 2: 2 * 2}, json.dumps(shown)[:3000]  # 4 s songs: 4 x 1 s, 2 x 2 s
    run(["dvc", "queue", "stop"], repo, check=False)


def test_push_then_pull_in_a_fresh_clone_is_complete(project, tmp_path):
    repo, set_params = project
    set_params(**TINY)
    remote = tmp_path / "remote"
    run(["dvc", "remote", "add", "-d", "shared", str(remote)], repo)
    run(["dvc", "repro"], repo)
    run(["dvc", "push"], repo)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", "pipeline with results"], repo)

    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(repo), str(clone)], tmp_path)
    assert not (clone / "data/windows").exists()
    run(["dvc", "pull"], clone)
    lock = yaml.safe_load((clone / "dvc.lock").read_text())
    for stage in lock["stages"].values():
        for out in stage["outs"]:
            assert (clone / out["path"]).exists(), out["path"]
    assert (clone / "models/svc-mfcc/model.skops").is_file()
    assert stages_run(run(["dvc", "repro"], clone).stdout) == [SCAN] and up_to_date(clone)
