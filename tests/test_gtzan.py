"""The gtzan source against a real HTTP server on 127.0.0.1 serving a small GTZAN-shaped archive."""

import hashlib
import io
import tarfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import soundfile as sf

from genrepipe.config.params import validate
from genrepipe.sources.entries.demo import GENRES
from genrepipe.core.errors import ChecksumError, DataError
from genrepipe.core.store import read_csv
from genrepipe.sources.gtzan import safe_extract, split_lists

from conftest import download_stage, tone


LISTED = split_lists()
UNLISTED = sorted(f"{g}.{i:05d}" for g in GENRES for i in range(100) if f"{g}.{i:05d}" not in LISTED)


def test_shipped_lists_are_the_fault_filtered_split():
    counts = {name: sum(1 for v in LISTED.values() if v == name) for name in ("train", "valid", "test")}
    assert counts == {"train": 443, "valid": 197, "test": 290}
    assert LISTED["jazz.00054"] == "train" and len(UNLISTED) == 70


def _wav_bytes(freq: float, fmt: str = "WAV") -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, tone(freq, 2.0, 22050), 22050, format=fmt, subtype="PCM_16")
    return buffer.getvalue()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def build_archive(path, extra=None):
    """Songs from each list, an unlisted one, an .au copy, and jazz.00054 corrupt as in GTZAN."""
    with tarfile.open(path, "w:gz") as tar:
        for i, song in enumerate(["blues.00000", "blues.00012", "blues.00029", "jazz.00000", "jazz.00060"]):
            _add(tar, f"genres/{song.split('.')[0]}/{song}.wav", _wav_bytes(200 + 100 * i))
        _add(tar, "genres/metal/metal.00010.au", _wav_bytes(900, fmt="AU"))
        _add(tar, f"genres/{UNLISTED[0].split('.')[0]}/{UNLISTED[0]}.wav", _wav_bytes(1200))
        _add(tar, "genres/jazz/jazz.00054.wav", b"RIFF\x00\x00\x00\x00WAVEjunk")
        if extra:
            extra(tar)
    return hashlib.sha256(path.read_bytes()).hexdigest()


class CountingHandler(SimpleHTTPRequestHandler):
    requests: list = []

    def do_GET(self):
        CountingHandler.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """A real HTTP server on 127.0.0.1 serving tmp_path/www."""
    www = tmp_path / "www"
    www.mkdir()
    CountingHandler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(CountingHandler, directory=str(www)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _params(raw_params, urls, known_hash, cache):
    raw_params["dataset"].update(source="gtzan")
    raw_params["dataset"]["gtzan"].update(urls=urls, hash=known_hash, cache_dir=str(cache), retries=0)
    return validate(raw_params)


def test_right_hash_gives_the_filtered_split_and_is_downloaded_once(raw_params, server, tmp_path):
    www, base = server
    digest = build_archive(www / "genres.tar.gz")
    params = _params(raw_params, [f"{base}/missing.tar.gz", f"{base}/genres.tar.gz"],
                     f"sha256:{digest}", tmp_path / "cache")
    songs = download_stage(params, tmp_path / "raw", jobs=2)
    assert {s.song_id: s.split for s in songs} == {
        "blues.00000": "valid", "blues.00012": "test", "blues.00029": "train",
        "jazz.00000": LISTED["jazz.00000"], "jazz.00060": LISTED["jazz.00060"],
        "metal.00010": LISTED["metal.00010"]}
    assert all(s.source.startswith("genres.tar.gz:genres/") for s in songs)
    skipped = {r["path"]: r["reason"] for r in read_csv(tmp_path / "raw/skipped.csv")}
    assert skipped["genres.tar.gz:genres/jazz/jazz.00054.wav"].startswith("undecodable")
    assert skipped[f"genres.tar.gz:genres/{UNLISTED[0].split('.')[0]}/{UNLISTED[0]}.wav"] == \
        "not in the fault-filtered split"
    assert (tmp_path / "cache/genres.tar.gz").is_file()
    assert [p for p in CountingHandler.requests if p.endswith("genres.tar.gz")] == ["/genres.tar.gz"]

    download_stage(params, tmp_path / "raw", jobs=2)  # a re-run finds the archive in the cache
    assert [p for p in CountingHandler.requests if p.endswith("genres.tar.gz")] == ["/genres.tar.gz"]
    assert list((tmp_path / "cache").iterdir()) == [tmp_path / "cache/genres.tar.gz"]


def test_wrong_hash_is_a_clear_error_and_nothing_is_extracted(raw_params, server, tmp_path):
    www, base = server
    digest = build_archive(www / "genres.tar.gz")
    wrong = "0" * 64
    params = _params(raw_params, [f"{base}/genres.tar.gz"], f"sha256:{wrong}", tmp_path / "cache")
    with pytest.raises(ChecksumError) as info:
        download_stage(params, tmp_path / "raw")
    message = str(info.value)
    assert "\n" not in message
    assert f"expected sha256:{wrong}, got sha256:{digest}" in message
    assert "nothing was extracted" in message and "genres.tar.gz" in message
    assert not (tmp_path / "raw").exists() and not (tmp_path / "raw.partial").exists()
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_unreachable_server_is_a_clear_error(raw_params, tmp_path):
    params = _params(raw_params, ["http://127.0.0.1:9/genres.tar.gz"], "sha256:" + "0" * 64,
                     tmp_path / "cache")
    with pytest.raises(DataError, match=r"could not download genres.tar.gz \(http://127.0.0.1:9/"):
        download_stage(params, tmp_path / "raw")


@pytest.mark.parametrize("name, add_bad, problem", [
    ("dotdot", lambda tar: _add(tar, "genres/../../evil.wav", b"x"), "would land outside"),
    ("absolute", lambda tar: _add(tar, "/tmp/evil.wav", b"x"), "would land outside"),
    ("symlink", lambda tar: tar.addfile(_link("genres/blues/link.wav", tarfile.SYMTYPE, "/etc/passwd")),
     "is a link to '/etc/passwd'"),
    ("hardlink", lambda tar: tar.addfile(_link("genres/blues/hard.wav", tarfile.LNKTYPE, "genres/blues/blues.00000.wav")),
     "is a link to"),
])
def test_unsafe_archives_are_refused_whole(raw_params, server, tmp_path, name, add_bad, problem):
    www, base = server
    digest = build_archive(www / "genres.tar.gz", extra=add_bad)
    params = _params(raw_params, [f"{base}/genres.tar.gz"], f"sha256:{digest}", tmp_path / "cache")
    with pytest.raises(DataError, match=problem):
        download_stage(params, tmp_path / "raw")
    assert not (tmp_path / "raw").exists() and not (tmp_path / "evil.wav").exists()
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["genres.tar.gz"]  # no extraction left


def _link(name: str, kind: bytes, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


def test_safe_extract_writes_nothing_when_refusing(tmp_path):
    archive = tmp_path / "a.tar"
    with tarfile.open(archive, "w") as tar:
        _add(tar, "ok/first.txt", b"fine")
        _add(tar, "ok/../../escape.txt", b"bad")
    with pytest.raises(DataError, match="'ok/../../escape.txt' would land outside"):
        safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "out" / "ok").exists()
