"""Decode audio of any format to mono float at one sample rate, check it, write canonical WAV."""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from pathlib import Path

import numpy as np
import soundfile as sf

from ..core.errors import DataError
from ..core.store import atomic_open

AUDIO_EXTENSIONS = frozenset({
    ".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".au", ".snd",
    ".aif", ".aiff", ".aifc", ".m4a", ".wma", ".caf",
})
# A song whose loudest sample is below this (-80 dBFS) carries no music: it is "silent".
SILENCE_PEAK = 1e-4


class BadAudio(Exception):
    """A file that cannot become a song; the message is the reason listed in skipped.csv."""


def load_audio(path: str | os.PathLike, sr: int, offset: float = 0.0,
               duration: float | None = None) -> np.ndarray:
    """Decode `path` to a mono float32 signal at `sr` Hz, with librosa (soundfile, then audioread).

    Parameters
    ----------
    path : path-like
        Any format librosa can decode: wav, flac, ogg, mp3, au, ...
    sr : int > 0
        Target sample rate; the file is resampled (soxr, high quality) when it differs.
    offset : float >= 0
        Seconds skipped at the start.
    duration : float > 0 or None
        At most this many seconds are read (None: to the end). Decoders seek or stop early, so a
        two-hour file costs no more memory than `duration` seconds of it.

    Returns
    -------
    y : np.ndarray, shape (n_samples,), float32

    Raises
    ------
    BadAudio
        Undecodable, empty, non-finite or silent input, with the reason.
    """
    import librosa  # slow to import; only decoding stages need it

    try:
        with warnings.catch_warnings(), contextlib.ExitStack() as stack:
            # librosa warns when it falls back to audioread; the fallback is intended.
            warnings.simplefilter("ignore")
            source = path
            if not _utf8(path):  # soundfile takes text paths as UTF-8: open the file ourselves
                source = stack.enter_context(open(path, "rb"))
            y, native_sr = librosa.load(source, sr=None, mono=False, offset=offset,
                                        duration=duration)
    except Exception as exc:  # any decoder failure means: skip this file, say why
        raise BadAudio(f"undecodable ({_decoder_complaint(exc, path)})") from None
    _check_not_cut_off(path)  # decodable, but is all of it there?
    check_signal(y)
    if y.ndim > 1:
        y = librosa.to_mono(y)
    if native_sr != sr:
        y = librosa.resample(y, orig_sr=native_sr, target_sr=sr, res_type="soxr_hq")
    check_signal(y)  # channels can cancel out, and resampling can empty a tiny file
    return y.astype(np.float32, copy=False)


def _check_not_cut_off(path: str | os.PathLike) -> None:
    """A WAV file shorter than its RIFF header says (a download or copy that stopped) is not a
    song: libsndfile would read what is there without a word, and the song would lose its end."""
    try:
        with open(path, "rb") as handle:
            head, size = handle.read(12), os.fstat(handle.fileno()).st_size
    except OSError:
        return  # the decoder says what is wrong
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        declared = int.from_bytes(head[4:8], "little") + 8
        if size < declared < 0xFFFFFFFF:  # some streaming writers leave the size unset (~0)
            raise BadAudio(f"cut off ({size} bytes, its RIFF header says {declared})")


def _utf8(path: str | os.PathLike) -> bool:
    try:
        os.fspath(path).encode("utf-8")
        return True
    except UnicodeEncodeError:  # bytes of the name that are not UTF-8, kept as surrogates
        return False


def _decoder_complaint(exc: Exception, path) -> str:
    """A short reason: the decoder's message, or soundfile's when audioread says nothing."""
    text = str(exc).strip()
    if not text and _utf8(path):  # audioread's NoBackendError is empty: soundfile's says more
        try:
            sf.info(path)
            text = type(exc).__name__
        except Exception as sf_exc:
            text = str(sf_exc).strip()
    if not text:
        return type(exc).__name__
    return text.replace(f"Error opening {str(path)!r}: ", "").splitlines()[0]


def check_signal(y: np.ndarray) -> None:
    """Raise BadAudio when `y` is empty, holds NaN or infinity, or is silent."""
    if y.size == 0:
        raise BadAudio("empty (no samples)")
    if not np.isfinite(y).all():
        raise BadAudio("non-finite samples (NaN or infinity)")
    peak = float(np.max(np.abs(y)))
    if peak < SILENCE_PEAK:
        raise BadAudio(f"silent (peak amplitude {peak:.2g} < {SILENCE_PEAK:g})")


def _encode(target, y: np.ndarray, sr: int) -> None:
    """Mono 16-bit PCM WAV into `target` (a path or a file); louder than full scale: scaled down."""
    peak = float(np.max(np.abs(y))) if y.size else 0.0
    if peak > 1.0:
        y = y / peak
    sf.write(target, y, sr, subtype="PCM_16", format="WAV")


def write_wav(path: str | os.PathLike, y: np.ndarray, sr: int) -> None:
    """Write the canonical WAV (mono, 16-bit PCM, peak at most full scale) atomically.

    It is encoded in memory, then written by Python: libsndfile reports a failed write (a full
    disk) as "System error." without its cause, Python's write says ENOSPC or EFBIG.
    """
    buffer = io.BytesIO()
    _encode(buffer, y, sr)
    with atomic_open(path, "wb") as handle:
        handle.write(buffer.getbuffer())


def canonical(y: np.ndarray, sr: int) -> np.ndarray:
    """The samples exactly as the pipeline stores and reads them back (`write_wav` then
    `read_wav`: scaled down if louder than full scale, quantised to 16 bits), so that a song
    classified by `genrepipe predict` goes through what the training songs went through."""
    buffer = io.BytesIO()
    _encode(buffer, y, sr)
    buffer.seek(0)
    return read_wav(buffer)[0]


def read_wav(path: str | os.PathLike | io.BytesIO) -> tuple[np.ndarray, int]:
    """Read a canonical WAV written by `write_wav` as float32 in [-1, 1); a file that is
    missing, damaged or cut off (shorter than its RIFF header says) is a DataError naming it."""
    if not isinstance(path, io.BytesIO):
        _check_whole(path)
    try:
        y, sr = sf.read(path, dtype="float32", always_2d=False)
    except sf.SoundFileError as exc:
        raise DataError(f"{path}: not a readable WAV file ({exc}); re-run `dvc repro`") from None
    return y, sr


def _check_whole(path: str | os.PathLike) -> None:
    """A stage's WAV file exists and is as long as its RIFF header says (libsndfile reads a
    cut-off one without a word: its song would silently lose its end)."""
    try:
        with open(path, "rb") as handle:
            head, size = handle.read(12), os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise DataError(f"{path}: not found; re-run `dvc repro` (or `dvc checkout`) to "
                        "restore it") from None
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise DataError(f"{path}: not a WAV file (no RIFF/WAVE header); re-run `dvc repro`")
    declared = int.from_bytes(head[4:8], "little") + 8
    if declared != size:
        raise DataError(f"{path}: cut off ({size} bytes, its header says {declared}); re-run "
                        "`dvc repro`")


def is_audio_name(path: Path) -> bool:
    """True when the file extension is one of the audio formats we try to decode."""
    return path.suffix.lower() in AUDIO_EXTENSIONS
