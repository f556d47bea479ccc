"""dvc.yaml tells the truth: every stage declares the project files it imports and the params it
reads, measured on a real `dvc repro` (each stage writes what it imported and read when
GENREPIPE_TRACE is set, see `genrepipe.stage`), and a change to one model's module re-runs only
that model's runs.

What is checked, stage by stage (`dvc.lock` holds each stage's resolved deps and params):
- every imported project file is a dep (itself, or inside a folder dep), but package
  `__init__.py` files, which hold no code (checked below);
- every params key read is a declared param (itself, or inside a declared block), except the keys
  that never change an output (`params.NOT_INPUTS`);
- no stale code dep: every `src/` or `stages/` dep is imported by at least one stage that
  declares it (a foreach template lists one set of deps for all its stages).
"""

import ast
import json

import pytest
import yaml

from genrepipe.params import NOT_INPUTS

from conftest import ROOT, run, seed_with_every_split

pytestmark = pytest.mark.e2e

TINY_CNN = {"filters": [4], "kernel_size": 3, "dense": 8, "epochs": 1, "patience": 1, "batch_size": 8}
MEL = {"n_mels": 16, "n_fft": 256, "hop_length": 128}
SETTINGS = dict(
    sample_rate=8000, window=1, seed=seed_with_every_split(["disco", "metal"], 4),
    dataset__demo__songs_per_genre=4, dataset__demo__duration=3,
    dataset__demo__genres=["disco", "metal"], augment__copies=1, executor={"jobs": 1},
    transforms={"fft": {"n_bins": 16}, "waveform": {"sample_rate": 4000}, "stft": {"n_fft": 256},
                "mfcc": {"n_mfcc": 8, **MEL}, "mel": MEL, "musicnn": {"layer": "penultimate"},
                "musicnn_mel": {}},
    embeddings={"emb": {"model": "models/musicnn-ft", "layer": "penultimate"}},
    models={"svc": {"C": 1.0}, "rfc": {"n_estimators": 5}, "elm": {"n_hidden": 16},
            "randomcnn": {"filters": [4]}, "cnn1d": TINY_CNN, "cnn2d": TINY_CNN,
            "samplecnn": {k: v for k, v in TINY_CNN.items() if k != "kernel_size"} | {"filters": [4, 4]},
            "logreg": {"max_iter": 200}, "musicnn": {"freeze": "all", "epochs": 1, "batch_size": 8}},
    runs={"svc-mfcc": {"model": "svc", "transform": "mfcc"}, "rfc-stft": {"model": "rfc", "transform": "stft"},
          "elm-fft": {"model": "elm", "transform": "fft"},
          "randomcnn-mel": {"model": "randomcnn", "transform": "mel"},
          "cnn1d-mfcc": {"model": "cnn1d", "transform": "mfcc"}, "cnn2d-mel": {"model": "cnn2d", "transform": "mel"},
          "samplecnn-waveform": {"model": "samplecnn", "transform": "waveform"},
          "svc-emb": {"model": "svc", "transform": "emb"},
          "logreg-musicnn": {"model": "logreg", "transform": "musicnn"},
          "musicnn-ft": {"model": "musicnn", "transform": "musicnn_mel"}})


def declared(lock: dict) -> dict:
    """stage -> (deps, params) as dvc.lock records them."""
    return {name: ({d["path"] for d in stage.get("deps", [])},
                   {key for keys in stage.get("params", {}).values() for key in keys})
            for name, stage in lock["stages"].items()}


def _inside(path: str, container: str, sep: str = "/") -> bool:
    """`path` is `container` or lies inside it (a file in a folder, a key in a params block)."""
    return path == container or path.startswith(container.rstrip(sep) + sep)


def problems(lock: dict, traces: dict) -> list[str]:
    """What dvc.yaml leaves out or lists in vain, given each stage's trace."""
    found, used = [], {}
    for stage, (deps, params) in declared(lock).items():
        trace = traces[stage]
        for module in trace["modules"]:
            if module.endswith("/__init__.py"):
                continue
            if not any(_inside(module, dep) for dep in deps):
                found.append(f"{stage}: imports {module}, not a dep")
        for key in trace["params"]:
            if any(_inside(key, free, ".") for free in NOT_INPUTS):
                continue
            if not any(_inside(key, param, ".") for param in params):
                found.append(f"{stage}: reads {key}, not a declared param")
        template = stage.split("@")[0]
        for dep in deps:
            if dep.startswith(("src/", "stages/")):
                imported = any(_inside(module, dep) for module in trace["modules"])
                used[template, dep] = used.get((template, dep), False) or imported
    found += [f"{template}: lists {dep}, imported by none of its stages"
              for (template, dep), imported in sorted(used.items()) if not imported]
    return found


def test_package_inits_hold_no_code():
    """They are imported by every stage and listed by none: only a docstring and constants."""
    for init in (ROOT / "src/genrepipe").rglob("__init__.py"):
        for node in ast.parse(init.read_text()).body:
            constant = isinstance(node, (ast.Expr, ast.Assign)) and isinstance(node.value, ast.Constant)
            assert constant, f"{init}: {ast.dump(node)[:80]}"


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    """A small pipeline with every model family, augmentation and an embedding, run by DVC with
    tracing on; the repo, its dvc.lock and every stage's trace."""
    from conftest import make_project

    repo, set_params = make_project(tmp_path_factory.mktemp("graph"))
    set_params(**SETTINGS)
    trace_dir = repo.parent / "traces"
    run(["dvc", "repro"], repo, env_extra={"GENREPIPE_TRACE": str(trace_dir)})
    lock = yaml.safe_load((repo / "dvc.lock").read_text())
    traces = {p.stem: json.loads(p.read_text()) for p in trace_dir.glob("*.json")}
    return repo, lock, traces


def test_every_stage_declares_what_it_imports_and_reads(traced):
    repo, lock, traces = traced
    assert set(traces) == set(lock["stages"]), "every stage ran and left a trace"
    assert problems(lock, traces) == []
    # the measurement sees what matters: a run's own model module, and not the other models'
    assert "src/genrepipe/models/svc.py" in traces["train@svc-mfcc"]["modules"]
    assert "src/genrepipe/models/cnn2d.py" not in traces["train@svc-mfcc"]["modules"]
    assert "src/genrepipe/transforms/mel.py" not in traces["transform@fft"]["modules"]
    assert "runs.svc-mfcc.model" in traces["train@svc-mfcc"]["params"]
    assert "models/musicnn-ft" in declared(lock)["embed@emb"][0]  # the network is a dep


def test_the_check_fails_on_a_missing_dep_or_param(traced):
    repo, lock, traces = traced
    broken = json.loads(json.dumps(lock))
    deps = broken["stages"]["train@svc-mfcc"]["deps"]
    deps[:] = [d for d in deps if d["path"] != "src/genrepipe/models/svc.py"]
    del broken["stages"]["segment"]["params"]["params.yaml"]["window"]
    assert problems(broken, traces) == [
        "segment: reads window, not a declared param",
        "train@svc-mfcc: imports src/genrepipe/models/svc.py, not a dep"]
    extra = json.loads(json.dumps(traces))
    extra["report"]["modules"].append("src/genrepipe/loader.py")
    assert problems(lock, extra) == ["report: imports src/genrepipe/loader.py, not a dep"]
    stale = json.loads(json.dumps(lock))
    stale["stages"]["report"]["deps"].append({"path": "src/genrepipe/archives.py"})
    assert problems(stale, traces) == ["report: lists src/genrepipe/archives.py, imported by none of its stages"]


def test_a_change_to_one_model_reruns_only_its_runs(traced):
    repo, lock, traces = traced
    with open(repo / "src/genrepipe/models/cnn2d.py", "a") as handle:
        handle.write("# an edit\n")
    status = json.loads(run(["dvc", "status", "--json"], repo).stdout)
    # (an embedding may come from any network: embed@ depends on every model module)
    assert sorted(status) == ["embed@emb", "evaluate@cnn2d-mel", "train@cnn2d-mel"]
    with open(repo / "src/genrepipe/transforms/stft.py", "a") as handle:
        handle.write("# an edit\n")
    status = json.loads(run(["dvc", "status", "--json"], repo).stdout)
    assert sorted(status) == ["embed@emb", "evaluate@cnn2d-mel", "train@cnn2d-mel", "transform@stft"]
