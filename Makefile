# genrepipe: every target builds .venv from nothing when it is missing (pinned versions).
PYTHON ?= python3.11
# TF=gpu installs TensorFlow's CUDA build instead of tensorflow-cpu (same version).
TF     ?= cpu
VENV   ?= .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed-$(TF)
# Stage commands in dvc.yaml call `python`: make sure it is the project's.
export PATH := $(BIN):$(PATH)

.PHONY: venv repro test bench faults kfold compare clean lock lock-check help
BENCH_ARGS ?=
FAULTS_ARGS ?=
KFOLD_ARGS ?=

help:
	@echo "make venv    build .venv (pinned versions) only"
	@echo "make repro   build .venv if needed, then run the DVC pipeline (dvc repro)"
	@echo "             TF=gpu make repro installs TensorFlow's CUDA build instead of the CPU one"
	@echo "make test    build .venv if needed, then run the test suite"
	@echo "make bench   speed and memory figures -> bench/results.md (BENCH_ARGS=--scale 0.1 for a quick run)"
	@echo "make faults  kills, full disks, memory limits, damaged inputs and parallel experiments"
	@echo "             on a tiny scratch project -> bench/faults.md (about 17 min; FAULTS_ARGS=--seed N)"
	@echo "make kfold FOLDER=/path/to/songs [KFOLD_ARGS='--runs svc-mfcc musicnn-ft --set k=v']"
	@echo "             k-fold figures on your own folder, in a scratch clone (bench/folder_kfold.py)"
	@echo "make compare the experiments side by side: changed params and the headline (dvc exp show)"
	@echo "make clean   remove regenerable pipeline outputs (data/ stage outputs, models/)"
	@echo "make lock    re-resolve pyproject.toml into the hashed locks (requirements.lock: runtime and"
	@echo "             the dask extra; requirements-test.lock: the test tools), every Python and platform"
	@echo "make lock-check  every lock has a wheel for Python 3.11-3.13 on Linux x86-64/aarch64, macOS arm64"

# The pretrained weights come from pinned wheels as data (src/genrepipe/pretrained/wheels.py): the
# wheels are never installed as packages (an older .venv's are removed), so pip check stays clean.
# The locks are universal (environment markers): pip takes each package's lines for this machine.
$(STAMP): requirements.lock requirements-test.lock pyproject.toml src/genrepipe/pretrained/wheels.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip uninstall --quiet -y musicnn basic-pitch 2>/dev/null || true
	$(BIN)/python -m genrepipe.pretrained.wheels
	if [ "$(TF)" = gpu ]; then \
	  $(BIN)/python -m pip uninstall --quiet -y tensorflow-cpu && \
	  $(BIN)/python -m pip install --quiet "tensorflow[and-cuda]==$$(sed -n 's/^tensorflow-cpu==\([^ ;]*\).*/\1/p' requirements.lock)"; \
	fi
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

# DVC leaves a re-run's output as a copy when identical bytes are already cached: relink it.
repro: $(STAMP)
	$(BIN)/dvc repro
	$(BIN)/dvc checkout --relink --quiet
	@echo "Results: metrics/summary.md and metrics/summary.png (all runs: valid and test, intervals,"
	@echo "paired tests), metrics/headline.json, metrics/runs/<run>.json (headline) and <run>/ (scores,"
	@echo "songs, confusion matrix), models/<run>/ (the model, with MODEL_CARD.md)."
	@echo "Then: dvc metrics show, make compare, dvc plots show (confusion matrices, training curves)."

# Two test processes (pytest-xdist), a test file each at a time: a file's fixtures are built once.
TEST_JOBS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile

# The no-op `dvc repro` figure needs the pipeline up to date first.
bench: $(STAMP)
	$(BIN)/dvc repro --quiet
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Minutes, outside `make test`: every fault is followed by a real re-run and a byte comparison.
faults: $(STAMP)
	$(BIN)/python bench/faults.py $(FAULTS_ARGS)

# The README's way to compare experiments (tests/test_e2e.py runs the same command).
compare: $(STAMP)
	$(BIN)/dvc exp show --only-changed --drop '.*/.*|Created' --keep '(fusion|best)_.*'

kfold: $(STAMP)
	$(BIN)/python bench/folder_kfold.py "$(FOLDER)" $(KFOLD_ARGS)

clean:
	rm -rf data/scan.tsv data/raw data/augmented data/windows data/features data/trained models/*

# The lock tools (uv resolves, pip checks), pinned, in a venv of their own.
LOCKTOOLS := $(CURDIR)/.locktools
$(LOCKTOOLS)/.installed:
	rm -rf $(LOCKTOOLS) && $(PYTHON) -m venv $(LOCKTOOLS)
	$(LOCKTOOLS)/bin/python -m pip install --quiet "pip==26.3" "uv==0.13.9" "packaging==26.3"
	touch $@

# Keeps the locks' versions wherever pyproject.toml allows them (lock-constraints.txt: the splits).
lock: $(LOCKTOOLS)/.installed
	$(LOCKTOOLS)/bin/python tools/locks.py compile --uv $(LOCKTOOLS)/bin/uv

# Resolves every lock for every Python and platform of the matrix, in parallel (about a minute).
lock-check: $(LOCKTOOLS)/.installed
	$(LOCKTOOLS)/bin/python tools/locks.py check
