"""A full disk and exhausted memory end a stage with one line, not a traceback, and Keras
trains under an address-space limit it used to abort in (all found by `make faults`): real file
size and address-space limits (RLIMIT_FSIZE, RLIMIT_AS) in child processes, real MemoryErrors."""

import errno
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from genrepipe.core.errors import resource_message
from genrepipe.core.stage import run_stage
from genrepipe.core.store import save_array
from genrepipe.core.workspace import cores

# a stage writing a 400 kB array through save_array, under a 100 kB file size limit
FULL_DISK_STAGE = textwrap.dedent("""
    import resource, signal, sys
    import numpy as np
    from genrepipe.core.stage import run_stage
    from genrepipe.core.store import save_array, staging_dir

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    def main():
        with staging_dir(sys.argv[1]) as out:
            save_array(out / "song.npy", np.zeros(100_000, np.float32))

    run_stage("segment", main)
""")


def test_a_full_disk_ends_the_stage_with_one_line_and_no_output(tmp_path):
    out = tmp_path / "windows"
    result = subprocess.run([sys.executable, "-c", FULL_DISK_STAGE, str(out)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "genrepipe segment: error: disk full: file size limit reached (ulimit -f) writing "), lines
    assert lines[0].endswith("free space and run `dvc repro` again")
    assert list(tmp_path.iterdir()) == []  # no output folder, no .partial, no temporary file


def test_save_array_names_the_cause_of_numpys_short_write(tmp_path):
    written = _errno_under_a_file_size_limit("from genrepipe.core.store import save_array",
                                             "save_array(sys.argv[1], np.zeros(100_000))",
                                             tmp_path / "a.npy")
    assert written == str(errno.EFBIG)  # NumPy alone gives errno None


def test_save_array_writes_the_same_bytes_as_numpy(tmp_path):
    for array in (np.arange(12, dtype=np.float16).reshape(3, 4), np.asfortranarray(np.ones((3, 5)))):
        save_array(tmp_path / "a.npy", array)
        np.save(tmp_path / "b.npy", array)
        assert (tmp_path / "a.npy").read_bytes() == (tmp_path / "b.npy").read_bytes()


def raise_wrapped_memory_error():
    try:
        np.empty(1 << 62, np.uint8)  # a real MemoryError: 4 EiB
    except MemoryError as exc:
        raise RuntimeError("Graph execution error: a PyFunc failed") from exc  # as TensorFlow wraps it


@pytest.mark.parametrize("main", [lambda: np.empty(1 << 62, np.uint8), raise_wrapped_memory_error])
def test_exhausted_memory_ends_the_stage_with_one_line(main, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        run_stage("train", main)
    assert exit_.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["genrepipe train: error: out of memory (the memory limit, `ulimit -v` or a "
                   "container's, or the machine's); free memory or raise the limit and run "
                   "`dvc repro` again"]


def test_other_errors_keep_their_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OSError, match="Permission denied"):
        run_stage("train", lambda: (_ for _ in ()).throw(PermissionError(errno.EACCES, "Permission denied")))
    assert resource_message(OSError(errno.ENOSPC, "No space left on device", "x.npy")) == (
        "disk full: no space left on the device writing x.npy; free space and run `dvc repro` again")


# a Keras stage under an address-space limit (ulimit -v) of sys.argv[1] MiB
KERAS_STAGE = textwrap.dedent("""
    import resource, sys
    limit = int(sys.argv[1]) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from genrepipe.core.stage import run_stage

    def main():
        import numpy as np
        from genrepipe.core.backend import keras, seed_everything
        seed_everything(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(np.zeros((8, 4)), np.zeros((8, 2)), epochs=1, verbose=0)
        print("trained")

    run_stage("train", main)
""")


def keras_under_limit(megabytes: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KERAS_STAGE, str(megabytes)], capture_output=True,
                          text=True, timeout=300)


def test_keras_trains_under_a_limit_that_aborted_tensorflow():
    from genrepipe.core.limits import MIB, tensorflow_needs

    # with glibc's default malloc arenas TensorFlow aborted (SIGABRT, no message) at this limit
    result = keras_under_limit(tensorflow_needs() // MIB + 128)
    assert result.returncode == 0 and "trained" in result.stdout, result.stderr[-2000:]


def test_a_limit_too_small_for_tensorflow_ends_the_stage_with_one_line():
    result = keras_under_limit(1000)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = [l for l in result.stderr.splitlines() if l.strip()]
    assert line.startswith("genrepipe train: error: out of memory: the address-space limit "
                           "(ulimit -v) of 1000 MB is below the ")
    assert line.endswith(" MB TensorFlow needs to start its threads on "
                         f"{cores()} cores; raise it, "
                         "or use a scikit-learn model")


def test_a_library_that_cannot_be_mapped_is_out_of_memory():
    failed = ImportError("libgfortran.so.5: failed to map segment from shared object")
    assert resource_message(failed).startswith("out of memory (the memory limit, `ulimit -v`")


def test_write_wav_names_the_cause_of_a_failed_write_and_keeps_its_bytes(tmp_path):
    import soundfile as sf

    from genrepipe.audio.decode import write_wav

    y = np.sin(np.arange(80_000) / 10).astype(np.float32)
    write_wav(tmp_path / "a.wav", y, 8000)
    sf.write(tmp_path / "b.wav", y, 8000, subtype="PCM_16", format="WAV")  # as it was written before
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    written = _errno_under_a_file_size_limit("from genrepipe.audio.decode import write_wav",
                                             "write_wav(sys.argv[1], np.ones(80_000, np.float32) / 2, 8000)",
                                             tmp_path / "c.wav")
    assert written == str(errno.EFBIG)  # libsndfile alone: "System error."
    assert not (tmp_path / "c.wav").exists()


def _errno_under_a_file_size_limit(setup: str, statement: str, path) -> str:
    """The errno (as printed) of the OSError `statement` raises in a fresh Python whose files may
    not exceed 50 kB (RLIMIT_FSIZE, SIGXFSZ ignored so the write fails with EFBIG); sys.argv[1]
    is `path`."""
    code = ("import resource, signal, sys, numpy as np\n"
            f"{setup}\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))\n"
            "try:\n"
            f"    {statement}\n"
            "except OSError as exc:\n"
            "    print(exc.errno)\n")
    result = subprocess.run([sys.executable, "-c", code, str(path)],
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.strip()
