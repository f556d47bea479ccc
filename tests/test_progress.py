"""Per-song stages are never silent in a log: a progress line every few seconds when stderr is not
a terminal (CI, `make repro | tee`), named after the DVC stage."""

import logging

from genrepipe.core.parallel import Progress, map_songs


def test_progress_lines_when_output_is_not_a_terminal(caplog, monkeypatch):
    monkeypatch.setenv("DVC_STAGE", "transform@mel")
    caplog.set_level(logging.INFO, logger="genrepipe")
    progress = Progress(4, "mel", every=0.0)  # pytest's stderr is not a terminal
    for _ in range(4):
        progress.update()
    progress.close()
    lines = [r.getMessage().rsplit(",", 1)[0] for r in caplog.records]
    assert lines == ["transform@mel: 1/4 songs (25 %)", "transform@mel: 2/4 songs (50 %)",
                     "transform@mel: 3/4 songs (75 %)"]  # the stage's end line says the rest
    caplog.clear()
    assert map_songs(abs, [-1, -2, 3], jobs=1, desc="x") == [1, 2, 3]
    assert caplog.records == []  # fewer than PROGRESS_SECONDS: nothing to say


def test_a_process_with_tensorflow_loaded_never_forks_its_workers():
    """TensorFlow is not fork-safe: a forked worker that garbage-collects the parent's TensorFlow
    objects aborts (seen when a test process that trained a network ran a download). Workers of
    such a process start from a fork server; a stage's (no TensorFlow) are forked."""
    import subprocess
    import sys

    code = ("import sys; {} from genrepipe.core.parallel import _worker_context, map_songs; "
            "print(_worker_context().get_start_method(), map_songs(abs, [-1, -2, 3], jobs=2))")
    plain = subprocess.run([sys.executable, "-c", code.format("")], capture_output=True, text=True)
    loaded = subprocess.run([sys.executable, "-c", code.format("import tensorflow;")],
                            capture_output=True, text=True)
    assert plain.stdout.split("\n")[0] == "fork [1, 2, 3]", plain.stderr[-500:]
    assert loaded.stdout.strip().split("\n")[-1] == "forkserver [1, 2, 3]", loaded.stderr[-500:]
