"""'None of these': how the training songs sound, and which songs are unlike them (unknown)."""
