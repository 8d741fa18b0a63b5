"""Proper edge colourings of a request graph: one colour is one time slot.

- :func:`colour_bipartite` colours a bipartite graph with Δ colours (König's theorem),
  by flipping an alternating path whenever the two ends have no free colour in common.
- :func:`colour_general` colours any simple graph with at most Δ + 1 colours
  (Vizing's theorem) with the Misra–Gries fan-and-path algorithm.
- :func:`balance` makes every colour class at most a given size with Kempe swaps;
  any proper colouring with k classes can be made equitable (de Werra, McDiarmid),
  because the union of two classes is a set of paths and even cycles.

Vertices are ``0..n-1``; edges are pairs of distinct vertices, each pair at most once.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "Colouring",
    "balance",
    "colour_bipartite",
    "colour_general",
    "is_bipartite",
    "max_degree",
]


class Colouring:
    """A partial proper edge colouring with ``k`` colours.

    ``at[v][c]`` is the neighbour joined to ``v`` by the edge of colour ``c`` (or -1);
    ``colour[v]`` maps each coloured neighbour of ``v`` to the colour of that edge.
    """

    def __init__(self, n: int, k: int) -> None:
        self.n = n
        self.k = k
        self.at: list[list[int]] = [[-1] * k for _ in range(n)]
        self.colour: list[dict[int, int]] = [{} for _ in range(n)]
        self.size: list[int] = [0] * k
        self.fallbacks = 0  # colours added beyond the theorem's bound (should stay 0)

    def add_colours(self, extra: int) -> None:
        for row in self.at:
            row.extend([-1] * extra)
        self.size.extend([0] * extra)
        self.k += extra

    def drop_empty(self) -> None:
        """Renumber the colours so that only those in use remain."""
        keep = [c for c in range(self.k) if self.size[c]]
        new = {c: i for i, c in enumerate(keep)}
        self.at = [[row[c] for c in keep] for row in self.at]
        self.colour = [{w: new[c] for w, c in d.items()} for d in self.colour]
        self.size = [self.size[c] for c in keep]
        self.k = len(keep)

    def free(self, v: int) -> int:
        row = self.at[v]
        for c in range(self.k):
            if row[c] < 0:
                return c
        return -1

    def set(self, u: int, v: int, c: int) -> None:
        self.at[u][c] = v
        self.at[v][c] = u
        self.colour[u][v] = c
        self.colour[v][u] = c
        self.size[c] += 1

    def unset(self, u: int, v: int) -> int:
        c = self.colour[u].pop(v)
        del self.colour[v][u]
        self.at[u][c] = -1
        self.at[v][c] = -1
        self.size[c] -= 1
        return c

    def path(self, x: int, first: int, other: int) -> list[tuple[int, int, int]]:
        """The edges of the ``first``/``other`` alternating path leaving ``x`` by ``first``."""
        edges: list[tuple[int, int, int]] = []
        v, c = x, first
        while True:
            w = self.at[v][c]
            if w < 0:
                return edges
            edges.append((v, w, c))
            v, c = w, (other if c == first else first)
            if v == x:  # a cycle back to the start (x missed neither colour)
                return edges

    def flip(self, edges: Sequence[tuple[int, int, int]], c: int, d: int) -> None:
        """Swap colours ``c`` and ``d`` on ``edges`` (a Kempe chain)."""
        for v, w, _ in edges:
            self.unset(v, w)
        for v, w, col in edges:
            self.set(v, w, d if col == c else c)

    def classes(self) -> list[list[tuple[int, int]]]:
        out: list[list[tuple[int, int]]] = [[] for _ in range(self.k)]
        for v in range(self.n):
            for w, c in self.colour[v].items():
                if v < w:
                    out[c].append((v, w))
        return out


def is_bipartite(n: int, edges: Sequence[tuple[int, int]]) -> bool:
    """Whether the graph on ``0..n-1`` with ``edges`` has no odd cycle."""
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        adjacency[u].append(v)
        adjacency[v].append(u)
    side = [-1] * n
    for root in range(n):
        if side[root] >= 0 or not adjacency[root]:
            continue
        side[root] = 0
        stack = [root]
        while stack:
            v = stack.pop()
            for w in adjacency[v]:
                if side[w] < 0:
                    side[w] = 1 - side[v]
                    stack.append(w)
                elif side[w] == side[v]:
                    return False
    return True


def max_degree(n: int, edges: Sequence[tuple[int, int]]) -> int:
    degree = [0] * n
    for u, v in edges:
        degree[u] += 1
        degree[v] += 1
    return max(degree, default=0)


def colour_bipartite(n: int, edges: Sequence[tuple[int, int]]) -> Colouring:
    """Colour a bipartite graph with Δ colours (König's edge-colouring theorem)."""
    col = Colouring(n, max_degree(n, edges))
    for u, v in edges:
        a = col.free(u)
        if col.at[v][a] >= 0:
            # v misses some b; flipping the a/b path that leaves v by a frees a at v.
            # In a bipartite graph that path cannot end at u, which misses a.
            b = col.free(v)
            col.flip(col.path(v, a, b), a, b)
        col.set(u, v, a)
    return col


def _fan(col: Colouring, x: int, f0: int) -> list[int]:
    """A maximal fan of ``x`` starting at the uncoloured edge ``x f0``."""
    fan = [f0]
    seen = {f0}
    at_x = col.at[x]
    while True:
        at_last = col.at[fan[-1]]
        for c in range(col.k):
            y = at_x[c]
            if y >= 0 and at_last[c] < 0 and y not in seen:
                fan.append(y)
                seen.add(y)
                break
        else:
            return fan


def colour_general(n: int, edges: Sequence[tuple[int, int]]) -> Colouring:
    """Colour any simple graph with at most Δ + 1 colours (Misra & Gries 1992)."""
    col = Colouring(n, max_degree(n, edges) + 1)
    for x, f0 in edges:
        at_x, at_f0 = col.at[x], col.at[f0]
        common = next((c for c in range(col.k) if at_x[c] < 0 and at_f0[c] < 0), -1)
        if common >= 0:  # the usual case in sparse graphs: no fan needed
            col.set(x, f0, common)
            continue
        fan = _fan(col, x, f0)
        c, d = col.free(x), col.free(fan[-1])
        if at_x[d] >= 0:
            col.flip(col.path(x, d, c), c, d)  # x now misses d
        w = _rotation_end(col, x, fan, d)
        if w < 0:  # not reached if the implementation follows the proof; stay correct
            col.add_colours(1)
            col.fallbacks += 1
            col.set(x, f0, col.k - 1)
            continue
        shifted = [col.colour[x][fan[i + 1]] for i in range(w)]
        for i in range(1, w + 1):
            col.unset(x, fan[i])
        for i in range(w):
            col.set(x, fan[i], shifted[i])
        col.set(x, fan[w], d)
    return col


def _rotation_end(col: Colouring, x: int, fan: list[int], d: int) -> int:
    """Index of the first fan vertex missing ``d`` whose prefix is still a fan."""
    for i, f in enumerate(fan):
        if i > 0:
            c_i = col.colour[x].get(f, -1)
            if c_i < 0 or col.at[fan[i - 1]][c_i] >= 0:
                return -1
        if col.at[f][d] < 0:
            return i
    return -1


def balance(col: Colouring, limit: int) -> bool:
    """Kempe-swap until no colour class holds more than ``limit`` edges.

    Returns False only when ``limit * k`` is below the number of edges.
    """
    if limit * col.k < sum(col.size):
        return False
    while True:
        i = max(range(col.k), key=col.size.__getitem__)
        if col.size[i] <= limit:
            return True
        j = min(range(col.k), key=col.size.__getitem__)
        if not _swap_one(col, i, j):  # pragma: no cover - impossible by the parity argument
            return False


def _swap_one(col: Colouring, i: int, j: int) -> bool:
    """Swap one i/j path that has one more i-edge than j-edges."""
    seen: set[int] = set()
    for v in range(col.n):
        row = col.at[v]
        if row[i] < 0 or row[j] >= 0 or v in seen:
            continue
        path = col.path(v, i, j)
        seen.add(path[-1][1])
        if len(path) % 2 == 1:  # starts and ends with an i-edge
            col.flip(path, i, j)
            return True
    return False
