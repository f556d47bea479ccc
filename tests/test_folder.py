"""The folder source on generated files of mixed formats, rates and channel counts, plus bad files."""

import os

import numpy as np
import pytest
import soundfile as sf

from genrepipe.config.params import validate
from genrepipe.core.errors import DataError
from genrepipe.core.store import read_csv, read_json
from genrepipe.pipeline.scan import scan

from conftest import download_stage, segment_stage, tone


@pytest.fixture
def music_folder(tmp_path):
    """Two classes in five formats, and bad files: corrupt, silent, empty, NaN, too short, fake, hidden."""
    root = tmp_path / "my music"
    (root / "calm").mkdir(parents=True)
    (root / "loud" / "live").mkdir(parents=True)
    sf.write(root / "calm/a.wav", tone(300, 3, 44100, channels=2), 44100)
    sf.write(root / "calm/b.flac", tone(350, 3, 16000), 16000, format="FLAC")
    sf.write(root / "calm/c.ogg", tone(400, 3, 22050), 22050, format="OGG", subtype="VORBIS")
    sf.write(root / "loud/d.mp3", tone(900, 3, 22050, 0.9), 22050, format="MP3")
    sf.write(root / "loud/e.au", tone(800, 3, 11025, 0.9), 11025, format="AU", subtype="PCM_16")
    sf.write(root / "loud/live/f.WAV", tone(1000, 3, 48000, 0.9, channels=6), 48000)
    sf.write(root / "loud/short.wav", tone(700, 0.4, 8000), 8000)
    sf.write(root / "loud/silent.wav", np.zeros(8000 * 3, dtype=np.float32), 8000)
    sf.write(root / "loud/empty.wav", np.zeros(0, dtype=np.float32), 8000)
    broken = tone(600, 2, 8000)
    broken[100] = np.nan
    sf.write(root / "loud/nan.wav", broken, 8000, subtype="FLOAT")
    wav_bytes = (root / "calm/a.wav").read_bytes()
    (root / "calm/corrupt.wav").write_bytes(wav_bytes[:12] + b"\x00garbage" * 10)
    (root / "calm/notes.wav").write_text("this is a text file named .wav\n")
    (root / "calm/readme.txt").write_text("not audio\n")
    (root / "calm/.hidden.wav").write_bytes(wav_bytes)
    (root / ".DS_Store").write_bytes(b"\x00")
    (root / "stray.wav").write_bytes(wav_bytes)
    return root


def _params(raw_params, root, **top):
    raw_params.update({"sample_rate": 8000, "window": 1, **top})
    raw_params["dataset"].update(source="folder", path=str(root))
    raw_params["transforms"] = {"mel": {"n_fft": 256, "hop_length": 128, "n_mels": 32}}
    raw_params["runs"] = {}
    return validate(raw_params)


def test_mixed_formats_become_canonical_wav_and_bad_files_are_listed(raw_params, music_folder, tmp_path):
    songs = download_stage(_params(raw_params, music_folder), tmp_path / "raw", jobs=2)
    ids = sorted(s.song_id for s in songs)
    assert ids == ["calm.a", "calm.b", "calm.c", "loud.d", "loud.e", "loud.f", "loud.short"]
    for song in songs:
        info = sf.info(tmp_path / "raw" / song.path)
        assert (info.samplerate, info.channels, info.subtype, info.format) == (8000, 1, "PCM_16", "WAV")
    durations = {s.song_id: s.duration_s for s in songs}
    assert durations["calm.a"] == pytest.approx(3.0, abs=1e-3)
    assert durations["loud.short"] == pytest.approx(0.4, abs=1e-3)
    skipped = {row["path"].replace(str(music_folder) + "/", ""): row["reason"]
               for row in read_csv(tmp_path / "raw/skipped.csv")}
    assert skipped.keys() == {"calm/corrupt.wav", "calm/notes.wav", "calm/readme.txt",
                              "calm/.hidden.wav", ".DS_Store", "stray.wav", "loud/silent.wav",
                              "loud/empty.wav", "loud/nan.wav"}
    assert skipped["calm/corrupt.wav"].startswith("undecodable")
    assert skipped["calm/notes.wav"].startswith("undecodable")
    assert skipped["loud/silent.wav"].startswith("silent (peak amplitude 0")
    assert skipped["loud/empty.wav"] == "empty (no samples)"
    assert skipped["loud/nan.wav"] == "non-finite samples (NaN or infinity)"
    assert skipped["calm/readme.txt"].startswith("not an audio file (extension '.txt'")
    assert skipped["calm/.hidden.wav"] == skipped[".DS_Store"] == "hidden"
    assert skipped["stray.wav"] == "not inside a class sub-folder"
    manifest = read_csv(tmp_path / "raw/manifest.csv")
    assert {r["source"] for r in manifest} >= {str(music_folder / "loud/live/f.WAV")}


@pytest.mark.parametrize("short, expected", [("pad", "padded"), ("skip", "skipped")])
def test_a_song_shorter_than_a_window_is_padded_or_skipped_and_listed(raw_params, music_folder,
                                                                     tmp_path, short, expected):
    raw_params["segment"] = {"short": short}
    params = _params(raw_params, music_folder, window=2)
    download_stage(params, tmp_path / "raw", jobs=2)
    index = segment_stage(params, tmp_path / "raw", tmp_path / "windows", jobs=2)
    rows = {s["song_id"]: s for s in index["songs"]}
    assert rows["calm.a"]["n_windows"] == 1 and rows["calm.a"]["short"] == ""
    windows = np.load(tmp_path / "windows/calm.a.npy")
    assert windows.shape == (1, 16000) and windows.dtype == np.float32
    if short == "pad":
        assert rows["loud.short"]["short"] == "padded"
        padded = np.load(tmp_path / "windows/loud.short.npy")
        assert padded.shape == (1, 16000) and not padded[0, 3200:].any()
    else:
        assert "loud.short" not in rows and not (tmp_path / "windows/loud.short.npy").exists()
        assert index["skipped"] == [{"song_id": "loud.short", "reason": "shorter than one window"}]
    assert read_json(tmp_path / "windows/index.json") == index


def test_folder_errors(raw_params, tmp_path):
    with pytest.raises(DataError, match="not a folder .*; expected a folder with one sub-folder per class"):
        download_stage(_params(raw_params, tmp_path / "nowhere"), tmp_path / "raw")
    (tmp_path / "one" / "only").mkdir(parents=True)
    sf.write(tmp_path / "one/only/x.wav", tone(), 8000)
    with pytest.raises(DataError, match="found 1 class sub-folder"):
        download_stage(_params(raw_params, tmp_path / "one"), tmp_path / "raw")
    assert not (tmp_path / "raw").exists() and not (tmp_path / "raw.partial").exists()


def test_same_stem_in_one_class_gets_distinct_ids(raw_params, tmp_path):
    for i, (name, fmt) in enumerate((("song.wav", "WAV"), ("song.flac", "FLAC"))):
        for j, label in enumerate(("x", "y")):
            (tmp_path / "in" / label).mkdir(parents=True, exist_ok=True)
            sf.write(tmp_path / "in" / label / name, tone(300 + 100 * i + 10 * j), 8000, format=fmt)
    songs = download_stage(_params(raw_params, tmp_path / "in"), tmp_path / "raw", jobs=1)
    assert sorted(s.song_id for s in songs) == ["x.song", "x.song-2", "y.song", "y.song-2"]


def test_file_names_that_are_not_utf8_are_kept_readable(raw_params, tmp_path):
    root = tmp_path / "in"
    for i, label in enumerate(("x", "y")):
        (root / label).mkdir(parents=True)
        sf.write(root / label / "plain.wav", tone(300 + 50 * i), 8000)
    sf.write(root / "x/tmp.wav", tone(500), 8000)  # renamed to a Latin-1 name: not valid UTF-8
    os.rename(root / "x/tmp.wav", os.fsencode(root / "x") + b"/caf\xe9.wav")
    (root / "y" / os.fsdecode(b"notes-\xff.txt")).write_text("not audio")
    songs = download_stage(_params(raw_params, root), tmp_path / "raw", jobs=1)
    assert sorted(s.song_id for s in songs) == ["x.caf_xe9", "x.plain", "y.plain"]
    manifest = (tmp_path / "raw/manifest.csv").read_text(encoding="utf-8")
    assert f"{root}/x/caf\\xe9.wav" in manifest
    skipped = read_csv(tmp_path / "raw/skipped.csv")
    assert [row["path"] for row in skipped] == [f"{root}/y/notes-\\xff.txt"]


def test_the_listing_download_depends_on_takes_any_name_and_sees_every_change(tmp_path):
    """Stage scan's listing: a line per file the folder source looks at (hidden and non-audio too:
    download lists them as skipped; a class folder that is a symbolic link), names that are not
    UTF-8 escaped; the same bytes for an untouched folder, other bytes when a song is added,
    removed, renamed, rewritten or swapped with one of the same size; one fixed line for a source
    without folder."""
    root = tmp_path / "in"
    (root / "x" / "album").mkdir(parents=True)
    sf.write(root / "x/album/a.wav", tone(300), 8000)
    sf.write(root / "x/tmp.wav", tone(500), 8000)
    os.rename(root / "x/tmp.wav", os.fsencode(root / "x") + b"/caf\xe9.wav")
    (root / ".DS_Store").write_bytes(b"\x00")
    (root / "x/notes\ttabbed.txt").write_text("not audio")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sf.write(elsewhere / "b.wav", tone(600), 8000)
    (root / "y").symlink_to(elsewhere, target_is_directory=True)
    out = tmp_path / "scan.tsv"

    def listing() -> str:
        scan(out, "folder", str(root))
        return out.read_text(encoding="utf-8")

    first = listing()
    lines = first.splitlines()
    assert lines[0] == "path\tbytes\tinode\tmodified_ns\tchanged_ns" and len(lines) == 1 + 5
    assert [line.split("\t")[0] for line in lines[1:]] == [
        ".DS_Store", "x/album/a.wav", "x/caf\\xe9.wav", "x/notes\\ttabbed.txt", "y/b.wav"]
    stat = (root / "x/album/a.wav").stat()
    assert lines[2].split("\t")[1:] == [str(stat.st_size), str(stat.st_ino), str(stat.st_mtime_ns),
                                         str(stat.st_ctime_ns)]
    assert listing() == first
    seen = {first}

    def changed() -> None:
        now = listing()
        assert now not in seen
        seen.add(now)

    sf.write(elsewhere / "c.wav", tone(700), 8000)  # added inside the linked class folder
    changed()
    os.rename(root / "x/album/a.wav", root / "x/album/d.wav")
    changed()
    sf.write(root / "x/album/d.wav", tone(310), 8000)  # the same size, rewritten
    os.utime(root / "x/album/d.wav", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # its old time back
    changed()
    os.replace(elsewhere / "c.wav", elsewhere / "b.wav")  # the same size, another file
    changed()
    (root / "x/notes\ttabbed.txt").unlink()
    changed()
    assert scan(out, "demo", str(root)) == 0 and out.read_text() == "# source demo: no folder to list\n"
    scan(out, "folder", str(tmp_path / "nowhere"))
    assert out.read_text() == f"# dataset.path={str(tmp_path / 'nowhere')!r}: not a folder\n"


def test_max_duration_and_offset_bound_what_is_decoded(raw_params, tmp_path):
    """A two-hour file costs only the seconds asked for."""
    root = tmp_path / "in"
    for label in ("x", "y"):
        (root / label).mkdir(parents=True)
    hours = np.tile(tone(200, 1, 1000), 2 * 3600)  # 2 h at 1 kHz
    sf.write(root / "x/mix.wav", hours, 1000)
    sf.write(root / "y/short.wav", tone(300, 5, 8000), 8000)
    params = _params(raw_params, root)
    params.dataset.update(max_duration=30.0, offset=3600.0)
    songs = {s.song_id: s for s in download_stage(params, tmp_path / "raw", jobs=1)}
    assert songs["x.mix"].duration_s == pytest.approx(30.0, abs=1e-3)
    assert "y.short" not in songs  # nothing left after an offset of an hour
    reasons = [row["reason"] for row in read_csv(tmp_path / "raw/skipped.csv")]
    assert reasons == ["empty (no samples)"]


def test_a_relative_path_leaving_the_project_is_taken_from_the_original_project(
        raw_params, tmp_path, monkeypatch):
    """In DVC's temporary copy of a queued experiment, `../music` means the same folder as in
    the project itself (DVC_ROOT), while `music/` means the copy's own."""
    project, copy = tmp_path / "project", tmp_path / "project/.dvc/tmp/exps/tmp1"
    for i, label in enumerate(("x", "y")):
        (tmp_path / "music" / label).mkdir(parents=True)
        sf.write(tmp_path / "music" / label / "a.wav", tone(300 + 50 * i), 8000)
    copy.mkdir(parents=True)
    monkeypatch.chdir(copy)
    monkeypatch.setenv("DVC_ROOT", str(project))
    songs = download_stage(_params(raw_params, "../music"), tmp_path / "raw", jobs=1)
    assert [s.source for s in songs] == ["../music/x/a.wav", "../music/y/a.wav"]
    with pytest.raises(DataError, match=r"dataset.path='music': not a folder \(looked in "
                                        + str(copy / "music")):
        download_stage(_params(raw_params, "music"), tmp_path / "raw2", jobs=1)


def _library(root, albums: dict[str, dict[str, int]]):
    """`root/<class>/<album>/t<i>.wav` with a distinct tone per file."""
    freq = 200
    for label, sizes in albums.items():
        for album, n in sizes.items():
            (root / label / album).mkdir(parents=True, exist_ok=True)
            for i in range(n):
                freq += 7
                sf.write(root / label / album / f"t{i}.wav", tone(freq, 1.2), 8000)


def test_adding_or_removing_a_song_moves_no_other_song(raw_params, tmp_path):
    root = tmp_path / "in"
    _library(root, {"x": {"a": 8}, "y": {"b": 8}})
    before = {s.song_id: s.split for s in download_stage(_params(raw_params, root), tmp_path / "r1", jobs=1)}
    sf.write(root / "x/a/new.wav", tone(3000, 1.2), 8000)
    (root / "y/b/t3.wav").unlink()
    after = {s.song_id: s.split for s in download_stage(_params(raw_params, root), tmp_path / "r2", jobs=1)}
    assert set(after) == set(before) - {"y.t3"} | {"x.new"}
    assert {k: v for k, v in after.items() if k != "x.new"} == {k: v for k, v in before.items() if k != "y.t3"}
    assert len(set(before.values())) > 1  # not all in one split: the test means something


@pytest.mark.parametrize("group, key", [("folder", lambda s: s.source.split("/")[-2]),
                                        (r"^(\w)", lambda s: s.source.split("/")[-2][0])])
def test_a_group_never_spans_two_splits(raw_params, tmp_path, group, key):
    root = tmp_path / "in"
    _library(root, {"x": {f"{c}{i}": 3 for c in "pq" for i in range(5)},
                    "y": {f"{c}{i}": 3 for c in "rs" for i in range(5)}})
    params = _params(raw_params, root)
    params.dataset.update(group=group)
    songs = download_stage(params, tmp_path / "raw", jobs=2)
    splits_of_group = {}
    for song in songs:
        splits_of_group.setdefault(key(song), set()).add(song.split)
    assert all(len(splits) == 1 for splits in splits_of_group.values())
    assert len({s.split for s in songs}) > 1
    manifest = read_csv(tmp_path / "raw/manifest.csv")
    assert len({row["group"] for row in manifest}) == len(splits_of_group)


def test_duplicates_share_a_split_or_are_dropped_when_labels_disagree(raw_params, tmp_path):
    root = tmp_path / "in"
    _library(root, {"x": {"a": 6}, "y": {"b": 6}})
    y, sr = sf.read(root / "x/a/t0.wav")
    sf.write(root / "x/a/copy.flac", y, sr, format="FLAC")  # same audio, another format
    sf.write(root / "y/b/t0-also.wav", *sf.read(root / "x/a/t1.wav")[::1])  # in another class
    songs = {s.song_id: s for s in download_stage(_params(raw_params, root), tmp_path / "raw", jobs=1)}
    assert songs["x.copy"].split == songs["x.t0"].split and songs["x.copy"].group == songs["x.t0"].group
    assert "x.t1" not in songs and "y.t0-also" not in songs
    rows = read_csv(tmp_path / "raw/duplicates.csv")
    assert {r["song_id"]: r["action"] for r in rows} == {
        "x.copy": "kept in one split with x.copy", "x.t0": "kept in one split with x.copy",
        "x.t1": "skipped: the same audio is labelled x and y",
        "y.t0-also": "skipped: the same audio is labelled x and y"}
    reasons = {r["path"].rsplit("/", 1)[-1]: r["reason"] for r in read_csv(tmp_path / "raw/skipped.csv")}
    assert reasons["t1.wav"] == "the same audio as y.t0-also (y) under another label"
    assert not (tmp_path / "raw/x/x.t1.wav").exists()
