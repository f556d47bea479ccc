"""Zero-shot tags: the pretrained musicnn tagger's own 50 tags for a whole song
(`genrepipe predict --tags`), before anything is trained. The tags are the tagger's, not the
user's: nothing here is learnt from the project's songs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from .audio.decode import BadAudio, load_audio
from .core.errors import DataError
from .predict import Skipped, SongPrediction, check_file
from .pretrained.names import MUSICNN_MODELS
from .sources.files import LibraryFile


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


class ZeroShotTagger:
    """`genrepipe predict --tags`: the tagger as `cli` writes its answers (as a task would), its
    songs tagged one after another in this process (the network loaded once)."""

    what = "tags"
    answer_columns = ("top", "probability")

    def __init__(self, tagger: str = MUSICNN_MODELS[0]):
        from .pretrained.musicnn import LABELS

        self.name, self.classes = tagger, list(LABELS[tagger])

    def classify(self, files: Sequence[LibraryFile]) -> Iterator[SongPrediction | Skipped]:
        for item in files:
            try:
                if item.problem:
                    raise DataError(item.problem)
                prediction = tag_song(item.path, self.name)
            except DataError as exc:
                yield Skipped(item.shown, str(exc).removeprefix(f"{item.path}: "))
                continue
            prediction.path = item.shown
            yield prediction

    def describe(self, prediction: SongPrediction) -> str:
        return f"{prediction.n_windows} patches of 3 s, {self.name} tags"

    def answer(self, prediction: SongPrediction, decider, top: int) -> dict:
        ranking = prediction.ranking()
        return {"top": ranking[0][0], "probability": round(ranking[0][1], 6),
                "ranking": [{"tag": c, "probability": round(p, 6)} for c, p in ranking[:top]]}

    def answer_row(self, prediction: SongPrediction, decider) -> dict:
        name, prob = prediction.ranking(1)[0]
        return {"top": name, "probability": f"{prob:.6f}"}

    def song_text(self, prediction: SongPrediction, decider, top: int, describe) -> str:
        from .reporting.predictions import rankings_text

        return rankings_text([prediction], top, 18, describe)
