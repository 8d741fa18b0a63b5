"""Datasets: the demo network shipped with netmatch, and synthetic networks.

- :func:`load_demo` / :func:`demo_path`: 140 members of French business clubs,
  written by hand, for examples, tests and the quick start.
- :func:`make_network`: a synthetic network of any size (up to hundreds of
  thousands of members) with a realistic vocabulary, for benchmarks.

Examples
--------
>>> net = nm.datasets.load_demo()
>>> len(net) >= 120
True
"""

from __future__ import annotations

from ._demo import demo_path, load_demo
from ._synthetic import make_network

__all__ = ["demo_path", "load_demo", "make_network"]
