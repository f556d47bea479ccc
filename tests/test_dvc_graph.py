"""dvc.yaml tells the truth: every stage declares the project files it imports to compute its
outputs and the params it reads, measured on a real `dvc repro` (each stage writes what it
imported and read when GENREPIPE_TRACE is set, see `genrepipe.core.stage`), and a change to one
model's or transform's modules re-runs only what it computes.

What is checked, stage by stage (`dvc.lock` holds each stage's resolved deps and params):
- every project file imported to compute is a dep (itself, or inside a folder dep), but package
  `__init__.py` files, which hold no code (checked below). Entry modules imported only to
  validate the params of other stages (`genrepipe.core.registry`) are recorded apart and are not deps;
- every params key read is a declared param (itself, or inside a declared block), except the keys
  that never change an output (`params.NOT_INPUTS`);
- no stale code dep: every `src/` or `stages/` dep is imported to compute by at least one stage
  that declares it (a foreach template lists one set of deps for all its stages).
"""

import ast
import contextlib
import json
import re

import pytest
import yaml

from genrepipe.config.params import NOT_INPUTS

from conftest import ROOT, SCAN, TINY_CNN, run, seed_with_every_split

pytestmark = pytest.mark.e2e

MEL = {"n_mels": 16, "n_fft": 256, "hop_length": 128}
ONE_EPOCH_CNN = {**TINY_CNN, "filters": [4], "epochs": 1, "batch_size": 8}  # imports, not learning
SETTINGS = dict(
    sample_rate=8000, window=1, seed=seed_with_every_split(["disco", "metal"], 4),
    dataset__demo__songs_per_genre=4, dataset__demo__duration=3,
    dataset__demo__genres=["disco", "metal"], augment__copies=1, executor={"jobs": 1},
    transforms={"fft": {"n_bins": 16}, "waveform": {"sample_rate": 4000}, "stft": {"n_fft": 256},
                "mfcc": {"n_mfcc": 8, **MEL}, "mel": MEL, "musicnn": {"layer": "penultimate"},
                "musicnn_mel": {}},
    embeddings={"emb": {"model": "models/musicnn-ft", "layer": "penultimate"}},
    models={"svc": {"C": 1.0}, "rfc": {"n_estimators": 5}, "elm": {"n_hidden": 16},
            "randomcnn": {"filters": [4]}, "cnn1d": ONE_EPOCH_CNN, "cnn2d": ONE_EPOCH_CNN,
            "samplecnn": {k: v for k, v in ONE_EPOCH_CNN.items() if k != "kernel_size"} | {"filters": [4, 4]},
            "logreg": {"max_iter": 200}, "musicnn": {"freeze": "all", "epochs": 1, "batch_size": 8}},
    runs={"svc-mfcc": {"model": "svc", "transform": "mfcc"}, "rfc-stft": {"model": "rfc", "transform": "stft"},
          "elm-fft": {"model": "elm", "transform": "fft"},
          "randomcnn-mel": {"model": "randomcnn", "transform": "mel"},
          "cnn1d-mfcc": {"model": "cnn1d", "transform": "mfcc"}, "cnn2d-mel": {"model": "cnn2d", "transform": "mel"},
          "samplecnn-waveform": {"model": "samplecnn", "transform": "waveform"},
          "svc-emb": {"model": "svc", "transform": "emb"},
          "logreg-musicnn": {"model": "logreg", "transform": "musicnn"},
          "musicnn-ft": {"model": "musicnn", "transform": "musicnn_mel"}})


def read_locks(repo) -> dict:
    """dvc.lock and data/dvc.lock (stage scan's) as one lock, stages named as DVC names them."""
    stages = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]
    stages |= {f"data/dvc.yaml:{name}": stage
               for name, stage in yaml.safe_load((repo / "data/dvc.lock").read_text())["stages"].items()}
    return {"stages": stages}


def read_traces(folder) -> dict:
    """Stage name -> its trace (a stage of data/dvc.yaml writes data/dvc.yaml:<name>.json)."""
    return {p.relative_to(folder).as_posix().removesuffix(".json"): json.loads(p.read_text())
            for p in folder.rglob("*.json")}


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


ENTRY_PACKAGES = ("models/entries", "transforms/entries", "sources/entries")


def test_entry_modules_import_only_what_every_stage_imports():
    """An entry's sources are its module and the `_` modules of its package it imports
    (`Registry.sources`): nothing else may come in with it, and nothing but the registries'
    discovery imports an entry module."""
    allowed = {("core.schema", 3), ("core.section", 3), ("core.errors", 3), ("entry", 2),
               ("pretrained.names", 3)}
    for folder in ENTRY_PACKAGES:
        for path in (ROOT / "src/genrepipe" / folder).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.level:
                    own = node.level == 1 and (node.module or "").startswith("_")
                    assert own or (node.module, node.level) in allowed, f"{path}: {ast.unparse(node)}"
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                    assert not any(n.startswith("genrepipe") for n in names), f"{path}: {ast.unparse(node)}"
    for path in (ROOT / "src/genrepipe").rglob("*.py"):
        if not any(folder in path.as_posix() for folder in ENTRY_PACKAGES):
            assert not re.search(r"^\s*(from|import) .*\bentries\.", path.read_text(), re.M), path


def test_package_inits_hold_no_code():
    """They are imported by every stage and listed by none: only a docstring and constants."""
    for init in (ROOT / "src/genrepipe").rglob("__init__.py"):
        for node in ast.parse(init.read_text()).body:
            constant = isinstance(node, (ast.Expr, ast.Assign)) and isinstance(node.value, ast.Constant)
            assert constant, f"{init}: {ast.dump(node)[:80]}"


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    """A small pipeline with every model family, augmentation and an embedding, run by DVC with
    tracing on; the repo, its lock files and every stage's trace."""
    from conftest import make_project

    repo, set_params = make_project(tmp_path_factory.mktemp("graph"))
    set_params(**SETTINGS)
    trace_dir = repo.parent / "traces"
    run(["dvc", "repro"], repo, env_extra={"GENREPIPE_TRACE": str(trace_dir)})
    return repo, read_locks(repo), read_traces(trace_dir)


def test_every_stage_declares_what_it_imports_and_reads(traced):
    repo, lock, traces = traced
    assert set(traces) == set(lock["stages"]), "every stage ran and left a trace"
    assert problems(lock, traces) == []
    # the measurement sees what matters: a run's own model module, and not the other models'
    assert "src/genrepipe/models/svc.py" in traces["train@svc-mfcc"]["modules"]
    assert "src/genrepipe/models/cnn2d.py" not in traces["train@svc-mfcc"]["modules"]
    assert "src/genrepipe/transforms/mel.py" not in traces["transform@fft"]["modules"]
    # ... and every entry module imported, telling validation from computing
    assert "src/genrepipe/models/entries/svc.py" in traces["train@svc-mfcc"]["modules"]
    assert "src/genrepipe/models/entries/cnn2d.py" in traces["train@svc-mfcc"]["validation"]
    assert "src/genrepipe/transforms/entries/mfcc.py" in traces["transform@mfcc"]["modules"]
    assert "src/genrepipe/transforms/entries/mfcc.py" in traces["transform@mel"]["validation"]
    demo = "src/genrepipe/sources/entries/demo.py"  # download computes with its source's entry
    for stage in ("download", "augment", "segment", "fuse", "report"):
        validated = set(traces[stage]["validation"]) - {demo}
        assert validated == set(traces["download"]["validation"]) and len(validated) > 20, stage
        assert [m for m in traces[stage]["modules"]
                if "/entries/" in m and not m.endswith("__init__.py")] == ([demo] if stage == "download" else []), stage
    assert "src/genrepipe/sources/entries/gtzan.py" in traces["download"]["validation"]
    assert "runs.svc-mfcc.model" in traces["train@svc-mfcc"]["params"]
    assert "models/musicnn-ft" in declared(lock)["embed@emb"][0]  # the network is a dep


def test_the_check_fails_on_a_missing_dep_or_param(traced):
    repo, lock, traces = traced
    broken = json.loads(json.dumps(lock))
    deps = broken["stages"]["train@svc-mfcc"]["deps"]
    deps[:] = [d for d in deps if d["path"] not in ("src/genrepipe/models/svc.py",
                                                     "src/genrepipe/models/entries/svc.py")]
    del broken["stages"]["segment"]["params"]["params.yaml"]["window"]
    assert problems(broken, traces) == [
        "segment: reads window, not a declared param",
        "train@svc-mfcc: imports src/genrepipe/models/entries/svc.py, not a dep",
        "train@svc-mfcc: imports src/genrepipe/models/svc.py, not a dep"]
    extra = json.loads(json.dumps(traces))
    extra["report"]["modules"].append("src/genrepipe/models/loader.py")
    assert problems(lock, extra) == ["report: imports src/genrepipe/models/loader.py, not a dep"]
    stale = json.loads(json.dumps(lock))
    stale["stages"]["report"]["deps"].append({"path": "src/genrepipe/core/archives.py"})
    assert problems(stale, traces) == [
        "report: lists src/genrepipe/core/archives.py, imported by none of its stages"]
    # an entry imported only to validate is no reason to list it
    stale["stages"]["report"]["deps"][-1] = {"path": "src/genrepipe/models/entries/svc.py"}
    assert problems(stale, traces) == [
        "report: lists src/genrepipe/models/entries/svc.py, imported by none of its stages"]


@contextlib.contextmanager
def edited(*paths):
    """Each file with a comment line appended while the block runs, then as it was."""
    saved = {path: path.read_text() for path in paths}
    try:
        for path in paths:
            path.write_text(saved[path] + "# an edit\n")
        yield
    finally:
        for path, text in saved.items():
            path.write_text(text)


def changed(repo) -> list[str]:
    """The stages `dvc status` names, but scan, which it names always (always_changed)."""
    return sorted(set(json.loads(run(["dvc", "status", "--json"], repo).stdout)) - {SCAN})


def test_a_change_to_one_model_reruns_only_its_runs(traced):
    repo, lock, traces = traced
    src = repo / "src/genrepipe"
    # (an embedding may come from any network: embed@ depends on every model and transform module)
    for path in (src / "models/cnn2d.py", src / "models/entries/cnn2d.py"):
        with edited(path):
            assert changed(repo) == ["embed@emb", "evaluate@cnn2d-mel", "train@cnn2d-mel"], path
    for path in (src / "transforms/stft.py", src / "transforms/entries/stft.py"):
        with edited(path):
            assert changed(repo) == ["embed@emb", "transform@stft"], path
    assert changed(repo) == []


def adding_a_model_walkthrough() -> dict[str, str]:
    """docs/models.md's "Adding a model" (the README links it): file path (each block's first
    line) -> the block."""
    doc = (ROOT / "docs/models.md").read_text()
    section = doc[doc.index("## Adding a model"):]
    section = section[:section.index("\n## ")] if "\n## " in section else section
    blocks = re.findall(r"```\w+\n# (\S+)[^\n]*\n(.*?)```", section, re.S)
    return {path: body for path, body in blocks}


def test_adding_a_model_as_the_readme_says_runs_only_its_stages(traced):
    repo, lock, traces = traced
    steps = adding_a_model_walkthrough()
    assert set(steps) == {"src/genrepipe/models/entries/gnb.py", "src/genrepipe/models/gnb.py",
                          "params.yaml"}
    original = (repo / "params.yaml").read_text()
    try:
        for path, body in steps.items():
            if path != "params.yaml":
                (repo / path).write_text(body)
        params = yaml.safe_load(original)
        for block, entries in yaml.safe_load(steps["params.yaml"]).items():
            params[block].update(entries)
        (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
        # (the shipped params have no embedding; an embed@ stage depends on every model module)
        assert changed(repo) == ["embed@emb", "evaluate@gnb-mfcc", "fuse", "report", "train@gnb-mfcc"]
        trace_dir = repo.parent / "traces-gnb"
        # the stages import the copy's package (with gnb), not the one installed for the tests
        ran = run(["dvc", "repro"], repo, env_extra={"GENREPIPE_TRACE": str(trace_dir),
                                                      "PYTHONPATH": str(repo / "src")}).stdout
        assert sorted(re.findall(r"Running stage '([^']+)'", ran)) == [
            SCAN, "embed@emb", "evaluate@gnb-mfcc", "fuse", "report", "train@gnb-mfcc"]
        new_lock = read_locks(repo)
        new_traces = {**traces, **read_traces(trace_dir)}
        assert problems(new_lock, new_traces) == []
        assert json.loads((repo / "metrics/runs/gnb-mfcc.json").read_text())
    finally:
        for path in steps:
            if path != "params.yaml":
                (repo / path).unlink(missing_ok=True)
        (repo / "params.yaml").write_text(original)
