"""``python -m netmatch``: the same as the ``netmatch`` command."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
