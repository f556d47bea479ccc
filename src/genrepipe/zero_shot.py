"""Zero-shot tags: the pretrained musicnn tagger's own 50 tags for a whole song
(`genrepipe predict --tags`), before anything is trained. The tags are the tagger's, not the
user's: nothing here is learnt from the project's songs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .audio.decode import BadAudio, load_audio
from .core.errors import DataError
from .predict import SongPrediction, check_file
from .pretrained.names import MUSICNN_MODELS


def tag_song(path: str | Path, tagger: str = MUSICNN_MODELS[0]) -> SongPrediction:
    """The pretrained musicnn tagger's tag probabilities for a whole song: its log-mel input in
    3 s patches (187 frames; a shorter song is one patch), the taggram of each, their mean.

    Tags are independent (sigmoid outputs), so they do not sum to 1.
    """
    from .pretrained.musicnn import LABELS, PATCH_FRAMES, SR, HOP, log_mel, pretrained, run

    check_file(path)
    try:
        y = load_audio(path, SR)
    except BadAudio as exc:
        raise DataError(f"{path}: {exc}") from None
    x = log_mel(y, SR)
    n = max(1, len(x) // PATCH_FRAMES)
    patches = x[None] if len(x) < PATCH_FRAMES else x[:n * PATCH_FRAMES].reshape(n, PATCH_FRAMES, -1)
    taggram = run(pretrained(tagger), patches, ("taggram",))["taggram"].astype(np.float64)
    hop = PATCH_FRAMES * HOP / SR
    return SongPrediction(str(path), list(LABELS[tagger]), taggram, np.arange(n) * hop, hop,
                          y.size / SR, padded=len(x) < PATCH_FRAMES)
