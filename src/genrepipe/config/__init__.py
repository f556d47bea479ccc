"""The project's settings: params.yaml, read once and checked in full against every registry."""
