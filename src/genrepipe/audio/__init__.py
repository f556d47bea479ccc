"""Audio itself: decoding any format to canonical mono WAV, rolling windows, and the effects of
augmentation (pitch shift, time stretch)."""
