"""genrepipe: a reproducible DVC pipeline from a folder of songs to a music-genre classifier."""

__version__ = "0.1.0"
