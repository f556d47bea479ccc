"""Where a stage runs: user paths, and the cores shared among the project's running stages."""

import subprocess
import sys

from genrepipe.core.workspace import (cores, default_jobs, model_threads, registered_stage, resolve_path,
                                      running_stages)


def test_relative_paths(tmp_path, monkeypatch):
    copy = tmp_path / "project/.dvc/tmp/exps/tmp1"
    copy.mkdir(parents=True)
    monkeypatch.chdir(copy)
    monkeypatch.setenv("DVC_ROOT", str(tmp_path / "project"))
    assert resolve_path("music") == copy / "music"
    assert resolve_path("../music") == tmp_path / "music"
    assert resolve_path("a/../../music") == tmp_path / "music"
    assert resolve_path("/abs/music") == resolve_path("/abs/music/.")
    monkeypatch.delenv("DVC_ROOT")
    assert resolve_path("../music") == copy.parent / "music"


def test_stages_running_side_by_side_share_the_cores(tmp_path, monkeypatch):
    (tmp_path / ".dvc").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DVC_ROOT", raising=False)
    code = ("from genrepipe.core.workspace import registered_stage\nimport time\n"
            "with registered_stage():\n    print('in', flush=True)\n    time.sleep(60)\n")
    with registered_stage():
        assert running_stages() == 1 and default_jobs() == cores()
        other = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path, stdout=subprocess.PIPE, text=True)
        try:
            assert other.stdout.readline() == "in\n"
            assert running_stages() == 2
            assert default_jobs() == max(1, cores() // 2)
            # a model's threads are not shared: their number changes its last digits
            assert model_threads(None) == cores() and model_threads(3) == 3
        finally:
            other.kill()
            other.wait()
        # a killed stage leaves its mark behind: it is not counted, and is cleared
        assert running_stages() == 1
        assert len(list((tmp_path / ".dvc/tmp/genrepipe/running").iterdir())) == 1
    assert not list((tmp_path / ".dvc/tmp/genrepipe/running").iterdir())


def test_outside_a_dvc_project_nothing_is_registered(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DVC_ROOT", raising=False)
    with registered_stage():
        assert running_stages() == 1
    assert not (tmp_path / ".dvc").exists()
