"""Slots × tables with hard limits, and the local search that fills them.

The state holds which slot each request occupies (or -1). Every change goes through
:meth:`SlotState.place` and :meth:`SlotState.remove`, which check nothing and log the
change, so that a tentative move can be undone exactly.

The search (:func:`improve`) repeatedly takes an unscheduled request ``e = (u, v)`` and
tries, in this order:

1. a slot where both are available and free, a table is left and neither is at cap;
2. a Kempe chain: ``u`` free in slot α, ``v`` free in slot β; flipping the α/β path
   that leaves ``v`` frees α for ``v`` (only the far end of the path changes slots it
   sits in, so only its availability needs checking);
3. an ejection: put ``e`` in a slot ``s`` both attend, removing the meetings that stand
   in the way (``u``'s and ``v``'s meetings at ``s``, the lowest-priority meeting of a
   person at cap, the lowest-priority meeting of a full slot), then try to re-insert
   those by 1 and 2. The move is kept only if the total priority scheduled rises
   (or stays equal with one more meeting).

Each kept move strictly improves (total priority, number of meetings), so the search
ends; ``max_iterations`` bounds the number of insertion attempts.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["SlotState", "improve"]

_EPS = 1e-9
_COSTLY_TRIES = 2  # ejections that lose more than they bring, tried per request


class SlotState:
    """Meetings placed in ``n_slots`` slots of ``n_tables`` tables each."""

    def __init__(
        self,
        n_people: int,
        n_slots: int,
        n_tables: int,
        edges: Sequence[tuple[int, int]],
        priority: Sequence[float],
        available: Sequence[Sequence[bool]],
        cap: Sequence[int],
    ) -> None:
        self.n_slots = n_slots
        self.n_tables = n_tables
        self.edges = edges
        self.priority = priority
        self.available = available
        self.cap = cap
        self.busy: list[list[int]] = [[-1] * n_slots for _ in range(n_people)]
        self.slot_of = [-1] * len(edges)
        self.load = [0] * n_slots
        self.count = [0] * n_people
        self.in_slot: list[set[int]] = [set() for _ in range(n_slots)]
        self.log: list[tuple[int, int]] | None = None  # (edge, slot before)

    # -- primitive changes -----------------------------------------------------------
    def place(self, e: int, s: int) -> None:
        u, v = self.edges[e]
        if self.log is not None:
            self.log.append((e, self.slot_of[e]))
        self.slot_of[e] = s
        self.busy[u][s] = e
        self.busy[v][s] = e
        self.load[s] += 1
        self.count[u] += 1
        self.count[v] += 1
        self.in_slot[s].add(e)

    def remove(self, e: int) -> None:
        u, v = self.edges[e]
        s = self.slot_of[e]
        if self.log is not None:
            self.log.append((e, s))
        self.slot_of[e] = -1
        self.busy[u][s] = -1
        self.busy[v][s] = -1
        self.load[s] -= 1
        self.count[u] -= 1
        self.count[v] -= 1
        self.in_slot[s].discard(e)

    def undo(self, mark: int) -> None:
        """Undo every logged change made after ``mark`` (a length of the log)."""
        assert self.log is not None
        log = self.log
        self.log = None
        while len(log) > mark:
            e, before = log.pop()
            if self.slot_of[e] >= 0:
                self.remove(e)
            if before >= 0:
                self.place(e, before)
        self.log = log

    # -- questions ---------------------------------------------------------------------
    def fits(self, e: int, s: int) -> bool:
        u, v = self.edges[e]
        return (
            self.load[s] < self.n_tables
            and self.busy[u][s] < 0
            and self.busy[v][s] < 0
            and self.available[u][s]
            and self.available[v][s]
        )

    def under_cap(self, e: int) -> bool:
        u, v = self.edges[e]
        return self.count[u] < self.cap[u] and self.count[v] < self.cap[v]

    def other(self, e: int, x: int) -> int:
        u, v = self.edges[e]
        return v if u == x else u

    # -- insertion ---------------------------------------------------------------------
    def insert_direct(self, e: int) -> bool:
        if not self.under_cap(e):
            return False
        for s in range(self.n_slots):
            if self.fits(e, s):
                self.place(e, s)
                return True
        return False

    def insert_kempe(self, e: int) -> bool:
        """Free a slot for ``e`` by flipping one alternating path (see module notes)."""
        if not self.under_cap(e):
            return False
        u, v = self.edges[e]
        busy_u, busy_v = self.busy[u], self.busy[v]
        avail_u, avail_v = self.available[u], self.available[v]
        slots = range(self.n_slots)
        alphas = [s for s in slots if busy_u[s] < 0 and avail_u[s] and avail_v[s]]
        betas = [s for s in slots if busy_v[s] < 0 and avail_v[s]]
        for x, y, firsts, seconds in ((u, v, alphas, betas), (v, u, None, None)):
            if firsts is None:  # the same with the roles of u and v exchanged
                firsts = [s for s in slots if busy_v[s] < 0 and avail_v[s] and avail_u[s]]
                seconds = [s for s in slots if busy_u[s] < 0 and avail_u[s]]
            assert seconds is not None
            for alpha in firsts:
                if busy_v[alpha] < 0 and busy_u[alpha] < 0:
                    continue  # a direct fit, blocked only by tables: no path helps
                for beta in seconds:
                    if beta != alpha and self._flip_for(e, x, y, alpha, beta):
                        return True
        return False

    def _flip_for(self, e: int, x: int, y: int, alpha: int, beta: int) -> bool:
        # y is busy at alpha and free at beta; walk y's alpha/beta path.
        path: list[int] = []
        z, s = y, alpha
        while True:
            f = self.busy[z][s]
            if f < 0:
                break
            path.append(f)
            z = self.other(f, z)
            if z == x:
                return False
            s = beta if s == alpha else alpha
        # z, the far end, leaves the other slot for s: the only change of slots it sits in
        if not self.available[z][s]:
            return False
        n_alpha = sum(1 for f in path if self.slot_of[f] == alpha)
        n_beta = len(path) - n_alpha
        if self.load[alpha] - n_alpha + n_beta + 1 > self.n_tables:
            return False
        if self.load[beta] - n_beta + n_alpha > self.n_tables:
            return False
        moves = [(f, beta if self.slot_of[f] == alpha else alpha) for f in path]
        for f, _ in moves:
            self.remove(f)
        for f, new in moves:
            self.place(f, new)
        self.place(e, alpha)
        return True

    def insert(self, e: int) -> bool:
        return self.insert_direct(e) or self.insert_kempe(e)

    # -- ejection ----------------------------------------------------------------------
    def blockers(self, e: int, s: int) -> list[int]:
        """The meetings to remove so that ``e`` fits in slot ``s`` (both attend ``s``)."""
        u, v = self.edges[e]
        out = [f for f in {self.busy[u][s], self.busy[v][s]} if f >= 0]
        for x in (u, v):
            if self.count[x] >= self.cap[x] and not any(x in self.edges[f] for f in out):
                mine = [f for f in self.busy[x] if f >= 0 and f not in out]
                if not mine:
                    return [-1]  # a cap of 0: never possible
                out.append(min(mine, key=lambda f: (self.priority[f], self.slot_of[f] != s)))
        if self.load[s] >= self.n_tables and not any(self.slot_of[f] == s for f in out):
            here = [f for f in self.in_slot[s] if f not in out]
            out.append(min(here, key=lambda f: (self.priority[f], f)))
        return out


def improve(state: SlotState, pool: list[int], max_iterations: int) -> tuple[int, bool]:
    """Insert and eject until no move helps; return (attempts, hit the limit).

    ``pool`` lists every request, in the order to try them (by priority).
    """
    attempts = 0
    changed = True
    while changed:
        changed = False
        # Every request left out, including those a move of the last pass ejected.
        waiting = [e for e in pool if state.slot_of[e] < 0]
        for e in waiting:
            if state.slot_of[e] >= 0:
                continue
            if attempts >= max_iterations:
                return attempts, True
            attempts += 1
            if state.insert(e) or _eject_for(state, e):
                changed = True
    return attempts, False


def _eject_for(state: SlotState, e: int) -> bool:
    u, v = state.edges[e]
    priority = state.priority
    tolerance = _EPS * max(1.0, priority[e])
    options = []
    for s in range(state.n_slots):
        if state.available[u][s] and state.available[v][s]:
            out = state.blockers(e, s)
            if -1 not in out:
                options.append((sum(priority[f] for f in out), len(out), s, out))
    options.sort(key=lambda o: (o[0], o[1], o[2]))
    costly = 0
    for loss, _, s, out in options:
        if loss > priority[e] + tolerance:
            # Only a full re-insertion of what it removes could pay: try a couple.
            costly += 1
            if costly > _COSTLY_TRIES:
                break
        state.log = []
        for f in out:
            state.remove(f)
        state.place(e, s)
        lost = [f for f in out if not state.insert(f)]
        gain = priority[e] - sum(priority[f] for f in lost)
        if gain > tolerance or (gain > -tolerance and not lost):
            state.log = None
            return True
        state.undo(0)
        state.log = None
    return False
