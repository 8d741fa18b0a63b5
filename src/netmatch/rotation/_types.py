"""The integer instance that the start, the bounds and the search work on.

Players are ``0 .. n-1``, rounds ``0 .. w-1``, tables ``0 .. g-1``. A schedule is an
int array ``T`` of shape ``(w, n)``: the table of each player in each round, ``-1``
when absent. Nothing here knows about members or networks
(:mod:`netmatch.rotation._problem` builds a :class:`Problem` from the arguments of
:func:`netmatch.plan_rotation`).

A leaf module: :mod:`netmatch.rotation._bounds` and :mod:`netmatch.rotation._search`
both import it, and it imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Initial meet count of pairs whose meetings never count (forced together, self).
FORCED = -(2**20)


@dataclass
class Problem:
    """An instance on integer indexes (see the module docstring)."""

    n: int
    rounds: int
    n_tables: int
    attend: BoolArray  # (w, n)
    sizes: IntArray  # (w, g) table sizes per round, summing to attend[r].sum()
    fixed: IntArray  # (w, n) table a host keeps, -1 otherwise
    groups: list[IntArray]  # keep-together groups (player indexes)
    apart: BoolArray  # (n, n) symmetric keep-apart
    prior: NDArray[np.int32]  # (n, n) initial meet counts, FORCED for never-counted pairs
    serve: NDArray[np.int8] | None  # (n, n) serve[i, j] = 1 when j serves a need of i
    needy: BoolArray  # (n,) members with a need that someone here could serve
    cats: list[IntArray]  # per balance attribute: category index per player, -1 unknown
    n_cats: list[int]
    # Sizes only asked to be even: which tables of a round are the larger ones is free.
    even_sizes: bool = False

    @property
    def cap(self) -> int:
        return int(self.sizes.max()) if self.sizes.size else 0


class Shape(Protocol):
    """What seating a round, weighting the objective and bounding repeats need of an
    instance (:class:`Problem`, or the sparse problem of :mod:`netmatch.rotation._large`)."""

    n: int
    rounds: int
    n_tables: int
    attend: BoolArray
    sizes: IntArray
    fixed: IntArray
    groups: list[IntArray]
    cats: list[IntArray]

    @property
    def cap(self) -> int: ...
