#!/usr/bin/env python
"""Django's conventional entry point; ``konvergen`` (see konvergen/cli.py) is the same thing."""

from konvergen.cli import main

if __name__ == "__main__":
    main()
