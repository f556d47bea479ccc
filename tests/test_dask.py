"""The Dask executor, against a real LocalCluster with 2 worker processes started here."""

import filecmp
import json
import sys

import pytest
import yaml
from dask.distributed import LocalCluster

from genrepipe.config.params import dask_address, validate
from genrepipe.core.errors import DataError

from conftest import SCAN, download_stage, run, seed_with_every_split, segment_stage, stages_run, transform_stage


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


@pytest.fixture
def tiny(raw_params):
    raw_params.update(sample_rate=8000, window=1, seed=seed_with_every_split(["jazz", "metal"], 3))
    raw_params["dataset"]["demo"].update(songs_per_genre=3, duration=4, genres=["jazz", "metal"])
    raw_params["transforms"] = {"mel": {"n_mels": 32, "n_fft": 256, "hop_length": 128},
                                "fft": {"n_bins": 16}}
    raw_params["runs"] = {}
    raw_params["augment"]["copies"] = 1
    return raw_params


def _same_tree(a, b):
    comparison = filecmp.dircmp(a, b)
    assert not comparison.left_only and not comparison.right_only and not comparison.diff_files
    _, mismatch, errors = filecmp.cmpfiles(a, b, comparison.common_files, shallow=False)
    assert not mismatch and not errors
    return len(comparison.common_files)


def test_dask_outputs_are_byte_identical_to_local(tiny, cluster, tmp_path):
    local = validate(tiny)
    tiny["executor"].update(kind="dask", address=cluster.scheduler_address)
    remote = validate(tiny)
    address = dask_address(remote.executor)
    assert address == cluster.scheduler_address and dask_address(local.executor) is None
    download_stage(local, tmp_path / "a/raw", jobs=2)
    download_stage(remote, tmp_path / "b/raw", dask=address)
    assert _same_tree(tmp_path / "a/raw", tmp_path / "b/raw") == 3  # manifest, skipped, duplicates
    for label in ("jazz", "metal"):
        _same_tree(tmp_path / f"a/raw/{label}", tmp_path / f"b/raw/{label}")
    segment_stage(local, tmp_path / "a/raw", tmp_path / "a/windows", jobs=2)
    segment_stage(remote, tmp_path / "a/raw", tmp_path / "b/windows", dask=address)
    assert _same_tree(tmp_path / "a/windows", tmp_path / "b/windows") == 1 + 6 + 2  # index, songs, copies
    for name in ("mel", "fft"):
        transform_stage(name, local, tmp_path / "a/windows", tmp_path / f"a/{name}", jobs=2)
        transform_stage(name, remote, tmp_path / "a/windows", tmp_path / f"b/{name}", dask=address)
        assert _same_tree(tmp_path / f"a/{name}", tmp_path / f"b/{name}") == 1 + 8


def test_unreachable_scheduler_is_a_clear_error(tiny, tmp_path):
    with pytest.raises(DataError, match=r"executor.address='tcp://127.0.0.1:9': no Dask scheduler answered"):
        download_stage(validate(tiny), tmp_path / "raw", dask="tcp://127.0.0.1:9")
    assert not (tmp_path / "raw").exists()


def test_dask_not_installed_names_the_extra(tiny, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # its import then fails
    with pytest.raises(DataError, match=r"Dask is not installed; pip install 'genrepipe\[dask\]'"):
        download_stage(validate(tiny), tmp_path / "raw", dask="tcp://127.0.0.1:9")


def test_dask_needs_an_address(tiny):
    from genrepipe.core.errors import ParameterError

    tiny["executor"]["kind"] = "dask"
    with pytest.raises(ParameterError, match="executor.address=None is required when executor.kind='dask'"):
        validate(tiny)


@pytest.mark.e2e
def test_dvc_repro_on_the_cluster_gives_the_local_bytes(project, cluster):
    repo, set_params = project
    set_params(sample_rate=8000, window=1, seed=seed_with_every_split(["jazz", "metal"], 3),
               dataset__demo__songs_per_genre=3, dataset__demo__duration=4,
               dataset__demo__genres=["jazz", "metal"], runs={"svc-mfcc": {"model": "svc", "transform": "mfcc"}},
               transforms={"mfcc": {"n_mfcc": 13, "n_mels": 32, "n_fft": 256, "hop_length": 128}})
    run(["dvc", "repro"], repo)
    lock = lambda: {o["path"]: o["md5"] for s in yaml.safe_load((repo / "dvc.lock").read_text())["stages"].values()
                    for o in s["outs"]}  # noqa: E731
    local = lock()
    set_params(executor={"kind": "dask", "address": cluster.scheduler_address})
    assert stages_run(run(["dvc", "repro"], repo).stdout) == [SCAN]  # not a dependency
    result = run(["dvc", "repro", "--force"], repo)
    assert "on the Dask cluster at " + cluster.scheduler_address in result.stderr
    assert {p: h for p, h in lock().items() if p.startswith("data/")} == \
        {p: h for p, h in local.items() if p.startswith("data/")}
    assert json.loads((repo / "data/windows/index.json").read_text())["window_samples"] == 8000
