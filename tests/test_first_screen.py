"""The README's first screen, command by command, as a new user runs it (tiny settings): the demo
(`make repro`), their own folder (every format, bad files listed, the folder a dep), GTZAN (from a real HTTP server on 127.0.0.1 serving a small
GTZAN-shaped archive), `genrepipe predict`, `dvc metrics show`, `make compare`, `dvc plots show`."""

import hashlib
import io
import json
import os
import shlex
import shutil
import sys
import tarfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import soundfile as sf

from genrepipe.core.store import read_csv
from genrepipe.sources.gtzan import split_lists

from conftest import ROOT, SCAN, run, tone, up_to_date

pytestmark = pytest.mark.e2e

FIRST_SCREEN = 40
STAMP = ".venv/.installed-cpu"  # the Makefile's mark of a built environment
GENRES = ("blues", "jazz")
FORMATS = (("WAV", 44100), ("FLAC", 16000), ("OGG", 22050), ("MP3", 22050))
FOLDER_SONGS = [f"{label}/s{i}.{fmt.lower()}" for label in ("low", "high")
                for i, (fmt, _) in enumerate(FORMATS)]


def seed_for_both() -> int:
    """A seed whose hashed split gives every demo genre and every class of the folder a train, a
    valid and a test song."""
    from genrepipe.dataset.split import split_of

    ratios = {"train": 0.6, "valid": 0.2, "test": 0.2}
    for seed in range(10000):
        demo = all({split_of(f"{g}.{i:05d}", ratios, seed) for i in range(4)} == set(ratios)
                   for g in GENRES)
        folder = all({split_of(song, ratios, seed) for song in FOLDER_SONGS
                      if song.startswith(label)} == set(ratios) for label in ("low", "high"))
        if demo and folder:
            return seed
    raise AssertionError("no seed splits both sets")


TINY = dict(sample_rate=8000, window=1, seed=seed_for_both(),
            dataset__demo__songs_per_genre=4, dataset__demo__duration=4,
            dataset__demo__genres=list(GENRES),
            transforms={"mfcc": {"n_mfcc": 13, "n_mels": 32, "n_fft": 256, "hop_length": 128}},
            models={"svc": {"C": 1.0}}, runs={"svc-mfcc": {"model": "svc", "transform": "mfcc"}})


def first_screen_commands() -> list[str]:
    """The command lines of the code block in the README's first screen (comments dropped)."""
    head = "\n".join((ROOT / "README.md").read_text().splitlines()[:FIRST_SCREEN])
    block = head[head.index("```\n") + 4:]
    return [line.split("  #")[0].strip() for line in block[:block.index("```")].splitlines()]


def gtzan_archive(path: Path) -> str:
    """Two GTZAN genres, two train, three valid and one test song each (the shipped split's own
    tracks), as 4 s tones: enough valid songs for a run to show it learnt; the archive's sha256."""
    lists = split_lists()
    with tarfile.open(path, "w:gz") as tar:
        for g, genre in enumerate(GENRES):
            for split, count in (("train", 2), ("valid", 3), ("test", 1)):
                for k, song in enumerate(sorted(s for s, v in lists.items()
                                                if v == split and s.startswith(genre))[:count]):
                    buffer = io.BytesIO()
                    sf.write(buffer, tone(300 + 900 * g + 20 * k, 4.0, 22050), 22050, format="WAV")
                    info = tarfile.TarInfo(f"genres/{genre}/{song}.wav")
                    info.size = buffer.getbuffer().nbytes
                    buffer.seek(0)
                    tar.addfile(info, buffer)
    return hashlib.sha256(path.read_bytes()).hexdigest()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def check_the_folder_experiment(repo: Path, music: Path) -> None:
    """Every format decoded, a file name that is not UTF-8 used (shown escaped), bad files listed;
    stage scan lists the folder for download: untouched, nothing to do; a song added, the listing
    changes and download is to re-run."""
    manifest = (repo / "data/raw/manifest.csv").read_text()
    assert len(manifest.splitlines()) == 1 + 9 and f"{music}/low/caf\\xe9.wav" in manifest
    skipped = {row["path"]: row["reason"] for row in read_csv(repo / "data/raw/skipped.csv")}
    assert skipped[str(music / "low/broken.wav")] == "undecodable (Format not recognised.)"
    assert skipped[str(music / "high/cover.jpg")].startswith("not an audio file (extension '.jpg'")
    mfcc = json.loads((repo / "data/features/mfcc/index.json").read_text())
    assert len(mfcc["songs"]) == 9 and {s["label"] for s in mfcc["songs"]} == {"low", "high"}
    assert "low.caf_xe9" in {s["song_id"] for s in mfcc["songs"]}
    assert up_to_date(repo)
    sf.write(music / "high/new.wav", tone(2500, 7, 8000), 8000)
    run(["dvc", "repro", SCAN], repo)
    status = json.loads(run(["dvc", "status", "--json"], repo).stdout)
    assert sorted(status) == [SCAN, "download"]
    assert {"changed deps": {"data/scan.tsv": "modified"}} in status["download"]


def test_every_command_of_the_first_screen_runs(project, tmp_path):
    repo, set_params = project
    commands = first_screen_commands()
    assert commands[:3] == ["git clone <repo> && cd <repo>", "make repro", "source .venv/bin/activate"]
    # the clone: this copy, with the Makefile and the tested environment, which make must find
    # built and never rebuild (`-o`: its stamp is taken as up to date; a rebuild would reinstall
    # the tests' own environment)
    for name in ("Makefile", "requirements.lock", "requirements-test.lock", "pyproject.toml"):
        shutil.copy2(ROOT / name, repo / name)
    (repo / ".venv").mkdir()
    (repo / ".venv/bin").symlink_to(Path(sys.executable).parent)
    (repo / STAMP).touch()
    music = tmp_path / "music"  # any format, rate and channel count, and files to skip
    for label, freq in (("low", 200), ("high", 2000)):
        (music / label).mkdir(parents=True)
        for i, (fmt, sr) in enumerate(FORMATS):
            sf.write(music / label / f"s{i}.{fmt.lower()}", tone(freq + 10 * i, 7, sr, channels=1 + i % 2),
                     sr, format=fmt)
    (music / "low/broken.wav").write_text("not audio at all")
    (music / "high/cover.jpg").write_bytes(b"\xff\xd8\xff")
    sf.write(music / "low/cafe.wav", tone(230, 7, 22050), 22050)  # renamed: Latin-1 café.wav
    os.rename(music / "low/cafe.wav", os.fsencode(music / "low") + b"/caf\xe9.wav")
    song = tmp_path / "song.mp3"
    sf.write(song, tone(1250, 5, 22050), 22050, format="MP3")
    www = tmp_path / "www"
    www.mkdir()
    digest = gtzan_archive(www / "genres.tar.gz")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(www)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    set_params(**TINY, dataset__gtzan__urls=[f"http://127.0.0.1:{httpd.server_address[1]}/genres.tar.gz"],
               dataset__gtzan__hash=f"sha256:{digest}", dataset__gtzan__cache_dir=str(tmp_path / "cache"),
               dataset__gtzan__retries=0)
    (repo / ".gitignore").write_text((repo / ".gitignore").read_text() + "/.venv\n")
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", "a tiny clone"], repo)
    try:
        outputs = {}
        for command in commands[3:]:
            line = command.replace("/path/to/music", str(music)).replace("song.mp3", str(song))
            line = line.replace("make ", f"make -o {STAMP} ", 1) if line.startswith("make ") else line
            outputs[command] = run(shlex.split(line), repo, env_extra={"COLUMNS": "160"})
            if "dataset.source=folder" in command:
                check_the_folder_experiment(repo, music)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert [c.split()[:2] for c in commands[3:]] == [
        ["dvc", "exp"], ["dvc", "exp"], ["genrepipe", "predict"], ["dvc", "metrics"],
        ["make", "compare"], ["dvc", "plots"]]
    folder, gtzan = (outputs[c].stdout for c in commands[3:5])
    assert "dataset.source=folder" in commands[3] and "9 songs, 2 skipped" in folder
    assert "dataset.source=gtzan" in commands[4] and "12 songs, 0 skipped" in gtzan
    predicted = outputs[commands[5]]
    assert f"{song}  (5.0 s" in predicted.stdout and "   1. " in predicted.stdout
    # the workspace now holds the GTZAN experiment: its run or its fusion, said and why
    assert "genrepipe: using run svc-mfcc: " in predicted.stderr or "genrepipe: using the fusion: " in predicted.stderr
    assert "synthetic demo" not in predicted.stderr
    assert "metrics/runs/svc-mfcc.json" in outputs[commands[6]].stdout
    assert "best_run" in outputs[commands[7]].stdout
    assert "index.html" in outputs[commands[8]].stdout
