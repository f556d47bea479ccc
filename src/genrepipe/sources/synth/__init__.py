"""The demo set's synthesiser: genre recipes, instruments, composition and sound."""
