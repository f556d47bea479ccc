"""The songs of a dataset and their files: the song record and manifest, splits and folds, kept
tags, duplicates, and the feature-set indexes the stages write."""
