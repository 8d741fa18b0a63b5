"""Reading and writing member networks (CSV, JSON). Being written: see issue 2."""

from __future__ import annotations

import os
from typing import Any

from .network import Network

__all__ = ["read_csv", "read_json", "write_csv", "write_json"]

PathLike = str | os.PathLike[str]


def read_csv(path: PathLike, **kwargs: Any) -> Network:
    """Read a member CSV (not yet implemented)."""
    raise NotImplementedError


def write_csv(network: Network, path: PathLike, **kwargs: Any) -> None:
    """Write a member CSV (not yet implemented)."""
    raise NotImplementedError


def read_json(path: PathLike, **kwargs: Any) -> Network:
    """Read a network JSON file (not yet implemented)."""
    raise NotImplementedError


def write_json(network: Network, path: PathLike, **kwargs: Any) -> None:
    """Write a network JSON file (not yet implemented)."""
    raise NotImplementedError
