"""The project's own errors: each one is reported by a stage as a single line, no traceback."""


class GenrepipeError(Exception):
    """Base class of every error a stage reports as one line on stderr."""


class ParameterError(GenrepipeError, ValueError):
    """A parameter (params.yaml key or function argument) is missing, mistyped or out of range."""


class DataError(GenrepipeError):
    """Input data is unusable: a missing folder, an empty dataset, an unsafe archive."""


class ChecksumError(DataError):
    """A downloaded file does not have the expected hash."""
