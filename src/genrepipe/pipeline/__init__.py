"""The bodies of the DVC stages, one module per stage (`stages/<stage>.py` parses its arguments
and params and calls one function here)."""
