"""How `tests/legacy/2f33f80/` was made: tiny model folders trained by genrepipe at commit 2f33f80
(the flat package, before the rooms), the clip they classify and what that code predicted for it.

`tests/test_legacy_models.py` loads them with today's code. To remake them (never needed unless the
old format must be widened): `git clone <repo> /tmp/old && git -C /tmp/old checkout 2f33f80`, then
`PATH=.venv/bin:$PATH PYTHONPATH=/tmp/old/src python tests/legacy/make_legacy.py` and copy
/tmp/legacy/out here. Trains with `dvc repro` in scratch projects: a fixed split (svc-mfcc,
cnn1d-mfcc, logreg-mfcc-song at song level) and a k-fold one (svc-mfcc, a model per fold).
"""
import json, shutil, subprocess, sys, os
from pathlib import Path
import numpy as np
import yaml

OLD = Path("/tmp/old")
OUT = Path("/tmp/legacy/out")
sys.path.insert(0, str(OLD / "tests"))
sys.path.insert(0, str(OLD / "src"))
from tiny import seed_with_every_split, TINY_CNN
import genrepipe
assert str(OLD) in genrepipe.__file__, genrepipe.__file__

MEL = {"n_mfcc": 8, "n_mels": 16, "n_fft": 256, "hop_length": 128}
CNN = {**TINY_CNN, "filters": [4], "epochs": 2, "batch_size": 8}

def project(name, extra):
    repo = Path(f"/tmp/legacy/{name}")
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    for n in ("dvc.yaml", "params.yaml", "stages", "src", "data/input", "plots", ".dvcignore", ".gitignore"):
        s = OLD / n
        if s.is_dir():
            shutil.copytree(s, repo / n, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (repo / n).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(s, repo / n)
    env = {**os.environ, "PYTHONPATH": str(repo / "src")}
    for cmd in (["git", "init", "-q"], ["dvc", "init", "-q"]):
        subprocess.run(cmd, cwd=repo, check=True, env=env)
    p = yaml.safe_load((repo / "params.yaml").read_text())
    p.update(sample_rate=8000, window=1, seed=seed_with_every_split(["disco", "metal"], 6))
    p["dataset"]["demo"].update(songs_per_genre=6, duration=3, genres=["disco", "metal"])
    p["transforms"] = {"mfcc": MEL}
    p["models"]["svc"] = {"C": 1.0}
    p["models"]["cnn1d"] = CNN
    p["models"]["logreg"] = {"max_iter": 200}
    p["runs"] = {"svc-mfcc": {"model": "svc", "transform": "mfcc"},
                 "cnn1d-mfcc": {"model": "cnn1d", "transform": "mfcc"},
                 "logreg-mfcc-song": {"model": "logreg", "transform": "mfcc", "level": "song"}}
    p["executor"] = {"jobs": 1}
    for k, v in extra.items():
        node = p
        *parents, last = k.split("__")
        for q in parents: node = node[q]
        node[last] = v
    (repo / "params.yaml").write_text(yaml.safe_dump(p, sort_keys=False))
    r = subprocess.run(["dvc", "repro"] + [f"train@{run}" for run in p["runs"]], cwd=repo, env=env,
                       capture_output=True, text=True)
    if r.returncode:
        print(r.stdout[-3000:], r.stderr[-3000:]); raise SystemExit(1)
    return repo, p

OUT.mkdir(parents=True, exist_ok=True)
fixed, _ = project("fixed", {})
kfold, _ = project("kfold", {"dataset__split": "kfold", "dataset__folds": 3,
                             "runs": {"svc-mfcc": {"model": "svc", "transform": "mfcc"}}})
for repo, runs, tag in ((fixed, ["svc-mfcc", "cnn1d-mfcc", "logreg-mfcc-song"], ""),
                        (kfold, ["svc-mfcc"], "-kfold")):
    for run in runs:
        dst = OUT / (run + tag)
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(repo / "models" / run, dst)
# the clip every model classifies: a song of the demo set (disco), decoded as download wrote it
clip = sorted((fixed / "data/raw").rglob("*.wav"))[0]
shutil.copy2(clip, OUT / "clip.wav")
# expected probabilities, by the old code
from genrepipe.trained import TrainedRun
from genrepipe.predict import predict_song
expected = {}
for d in sorted(OUT.iterdir()):
    if d.is_dir():
        pred = predict_song(TrainedRun(d), OUT / "clip.wav")
        expected[d.name] = {"classes": pred.classes, "probs": [float(x) for x in pred.probs],
                            "window_probs": pred.window_probs.tolist()}
(OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
print(json.dumps({k: v["probs"] for k, v in expected.items()}))
