"""`python -m genrepipe`: the `genrepipe` command."""

import sys

from .cli import main

sys.exit(main())
