"""Sources are pluggable: a source is an entry module in `sources/entries/` and a module in
`sources/` with `collect(request)`; no other module is edited (dvc.yaml lists its params block). Here a test's own source (pure tones)
is added to a copy of the project and `dvc repro download` materialises it through the registry:
the params check accepts it and its block, the download stage collects its songs, a model's
provenance names it, `genrepipe list` shows it."""

import csv
import json

import pytest

from conftest import run

pytestmark = pytest.mark.e2e

ENTRY = '''"""The `tone` entry: pure tones, a class per pitch (a test's own source)."""

from __future__ import annotations

from ...core.schema import Block, integer
from ..entry import SourceEntry

ENTRY = SourceEntry("tone", "sine tones, a class per pitch", origin_prefix="tone:",
                    location="pure tones ({origins})",
                    spec=Block(fields={"songs": integer(min=1, max=50, default=3)}))
'''

MODULE = '''"""The `tone` source: `dataset.tone.songs` sine tones at 220 Hz (`low`) and 880 Hz (`high`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..audio.decode import write_wav
from ..core.store import md5_file
from ..dataset.songs import Song
from .entry import Collected, Request


def make_tone(job: tuple) -> Song:
    label, hz, index, raw_dir, sr = job
    y = 0.3 * np.sin(2 * np.pi * hz * np.arange(2 * sr) / sr)
    song_id = f"{label}.{index:05d}"
    target = Path(raw_dir) / label / f"{song_id}.wav"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_wav(target, y, sr)
    return Song(song_id, label, f"{label}/{song_id}.wav", 2.0, f"tone:{hz}Hz", md5_file(target),
                group=song_id)


def collect(request: Request) -> Collected:
    jobs = [(label, hz, i, str(request.raw_dir), request.sr)
            for label, hz in (("high", 880), ("low", 220)) for i in range(request.dataset["tone"]["songs"])]
    return Collected(request.run(make_tone, jobs, "tones"), [])
'''


def test_a_source_added_as_two_modules_is_downloaded_through_the_registry(project):
    repo, set_params = project
    (repo / "src/genrepipe/sources/entries/tone.py").write_text(ENTRY)
    (repo / "src/genrepipe/sources/tone.py").write_text(MODULE)
    set_params(dataset__source="tone", sample_rate=8000, executor={"jobs": 1})
    params = (repo / "params.yaml").read_text().replace("  demo:\n", "  tone: {songs: 4}\n  demo:\n", 1)
    (repo / "params.yaml").write_text(params)
    # the README's one line outside the two modules: DVC tracks the source's own block
    dvc_yaml = (repo / "dvc.yaml").read_text()
    (repo / "dvc.yaml").write_text(dvc_yaml.replace("      - dataset.demo\n", "      - dataset.demo\n      - dataset.tone\n", 1))
    env = {"PYTHONPATH": str(repo / "src")}
    run(["dvc", "repro", "download"], repo, env_extra=env)
    rows = list(csv.DictReader(open(repo / "data/raw/manifest.csv")))
    assert sorted({r["label"] for r in rows}) == ["high", "low"] and len(rows) == 8
    assert {r["source"] for r in rows} == {"tone:220Hz", "tone:880Hz"}
    code = ("import csv, json; from genrepipe.sources.provenance import dataset_of; "
            "print(json.dumps(dataset_of(list(csv.DictReader(open('data/raw/manifest.csv'))))))")
    dataset = json.loads(run(["python", "-c", code], repo, env_extra=env).stdout)
    assert dataset["source"] == "tone" and dataset["location"] == "pure tones (tone:220Hz, tone:880Hz)"
    listed = run(["genrepipe", "list"], repo, env_extra=env).stdout
    assert "tone" in listed and "sine tones, a class per pitch" in listed
    # its block is checked like any other: a bad value is one line naming the key
    (repo / "params.yaml").write_text(params.replace("tone: {songs: 4}", "tone: {songs: 0}"))
    failed = run(["dvc", "repro", "download"], repo, check=False, env_extra=env)
    assert failed.returncode != 0 and "params.yaml: dataset.tone.songs=0 is out of range" in failed.stderr
