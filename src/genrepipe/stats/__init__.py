"""Scores and their uncertainty, knowing nothing of songs or files: accuracy, F1, ROC-AUC and
PR-AUC, exact and bootstrap intervals, paired tests."""
