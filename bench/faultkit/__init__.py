"""The fault suite behind `make faults` (bench/faults.py): kills, a full disk, memory limits,
damaged inputs and parallel experiments injected into a tiny genrepipe project."""
