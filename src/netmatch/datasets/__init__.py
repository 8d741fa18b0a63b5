"""Networks shipped with netmatch, for demos, tests and benchmarks."""

from __future__ import annotations

__all__: list[str] = []
