"""Checking the arguments of :func:`netmatch.plan_rotation` and turning them into the
integer problem the engine (:mod:`netmatch.rotation._search`) works on."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
from numpy.typing import NDArray

from .._validation import check_rounds
from ..errors import InfeasibleError, InvalidInputError, UnknownMemberError
from ..network import Network
from . import _large
from . import _search as _engine
from ._plan import _MEMBER_FIELDS, _PlanContext
from ._types import FORCED, Problem

if TYPE_CHECKING:
    import scipy.sparse as sp


# ----------------------------------------------------------------------------------
# Input checking
# ----------------------------------------------------------------------------------
def _int(value: object, field: str, *, low: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InvalidInputError(f"{field} must be an int, got {value!r}", field=field)
    if low is not None and value < low:
        raise InvalidInputError(f"{field} must be at least {low}, got {value!r}", field=field)
    return int(value)


def _participants(
    participants: Network | Iterable[str], network: Network | None
) -> tuple[list[str], Network | None]:
    if isinstance(participants, Network):
        if network is not None and network is not participants:
            raise InvalidInputError(
                "participants is a Network: do not also pass a different network=",
                field="network",
            )
        return list(participants.ids), participants
    if isinstance(participants, (str, bytes)) or not isinstance(participants, Iterable):
        raise InvalidInputError(
            f"participants must be a Network or an iterable of member ids, got {participants!r}",
            field="participants",
        )
    ids: list[str] = []
    seen: set[str] = set()
    for m in participants:
        if not isinstance(m, str) or not m:
            raise InvalidInputError(
                f"participant ids must be non-empty str, got {m!r}", field="participants"
            )
        if m in seen:
            raise InvalidInputError(f"participant {m!r} is listed twice", field="participants")
        if network is not None and m not in network:
            raise UnknownMemberError(m, f"participant {m!r} is not a member of the network")
        seen.add(m)
        ids.append(m)
    return ids, network


def _member(index: Mapping[str, int], m: object, field: str) -> int:
    if not isinstance(m, str) or m not in index:
        raise UnknownMemberError(m, f"{field} names {m!r}, who is not a participant")
    return index[m]


def _attendance(
    attendance: Mapping[str, Iterable[int]] | None, index: Mapping[str, int], rounds: int
) -> NDArray[np.bool_]:
    attend = np.ones((rounds, len(index)), dtype=bool)
    if attendance is None:
        return attend
    if not isinstance(attendance, Mapping):
        raise InvalidInputError(
            f"attendance must map member ids to rounds, got {attendance!r}", field="attendance"
        )
    for m, rs in attendance.items():
        i = _member(index, m, "attendance")
        if isinstance(rs, (str, bytes)) or not isinstance(rs, Iterable):
            raise InvalidInputError(
                f"attendance of {m!r} must be an iterable of rounds, got {rs!r}",
                field="attendance",
            )
        attend[:, i] = False
        for r in rs:
            r = _int(r, f"attendance[{m!r}]")
            if not 0 <= r < rounds:
                raise InvalidInputError(
                    f"attendance of {m!r} names round {r}, not in 0..{rounds - 1}",
                    field="attendance",
                )
            attend[r, i] = True
    return attend


def _even(count: int, g: int) -> list[int]:
    base, extra = divmod(count, g)
    return [base + (t < extra) for t in range(g)]


def _sizes(
    counts: NDArray[np.int64],
    table_size: int | None,
    n_tables: int | None,
    table_sizes: Sequence[int] | Sequence[Sequence[int]] | None,
    n: int,
) -> NDArray[np.int64]:
    given = [x is not None for x in (table_size, n_tables, table_sizes)]
    if sum(given) != 1:
        raise InvalidInputError(
            "give exactly one of table_size, n_tables or table_sizes", field="table_size"
        )
    rounds = counts.size
    most = int(counts.max())
    if table_sizes is not None:
        if isinstance(table_sizes, (str, bytes)) or not isinstance(table_sizes, Sequence):
            raise InvalidInputError(
                f"table_sizes must be a sequence, got {table_sizes!r}", field="table_sizes"
            )
        flat_list = not (table_sizes and all(isinstance(x, Sequence) for x in table_sizes))
        if not flat_list:
            per_round = [list(x) for x in table_sizes]  # type: ignore[arg-type]
            if len(per_round) != rounds:
                raise InvalidInputError(
                    f"table_sizes has {len(per_round)} rounds, expected {rounds}",
                    field="table_sizes",
                )
        else:
            per_round = [list(table_sizes)] * rounds  # type: ignore[arg-type]
        g = len(per_round[0])
        if g == 0 or any(len(x) != g for x in per_round):
            raise InvalidInputError(
                "table_sizes must give the same, non-zero number of tables every round",
                field="table_sizes",
            )
        out = np.array(
            [[_int(s, "table_sizes", low=1) for s in row] for row in per_round], dtype=np.int64
        )
        for r in range(rounds):
            if flat_list and out[r].sum() == n and counts[r] < n:
                # Sizes given for everyone: a round with absentees loses seats from the
                # largest tables first, so the sizes stay as even as the list allows.
                for _ in range(n - int(counts[r])):
                    big = np.flatnonzero(out[r] == out[r].max())[-1]
                    out[r, big] -= 1
                if (out[r] == 0).any():
                    raise InfeasibleError(
                        f"round {r} has {int(counts[r])} attending participants for "
                        f"{out.shape[1]} tables"
                    )
            if out[r].sum() != counts[r]:
                raise InvalidInputError(
                    f"table_sizes {out[r].tolist()} seat {int(out[r].sum())} people but "
                    f"{int(counts[r])} attend round {r}",
                    field="table_sizes",
                )
        return out
    if table_size is not None:
        k = _int(table_size, "table_size")
        if not 2 <= k <= n:
            raise InvalidInputError(
                f"table_size must be between 2 and the {n} participants, got {k}",
                field="table_size",
            )
        g = max(1, math.ceil(most / k))
    else:
        g = _int(n_tables, "n_tables", low=1)
        if g > n:
            raise InvalidInputError(
                f"n_tables {g} is more than the {n} participants", field="n_tables"
            )
    for r in range(rounds):
        if counts[r] < g:
            raise InfeasibleError(
                f"round {r} has {int(counts[r])} attending participants for {g} tables"
            )
    return np.array([_even(int(c), g) for c in counts], dtype=np.int64)


class _Groups:
    """Union-find for keep_together groups."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def _pairs(value: object, field: str) -> list[tuple[object, ...]]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidInputError(
            f"{field} must be an iterable of groups, got {value!r}", field=field
        )
    out = []
    for item in value:
        if isinstance(item, (str, bytes)) or not isinstance(item, Iterable):
            raise InvalidInputError(
                f"{field} entries must be pairs or groups of ids, got {item!r}", field=field
            )
        out.append(tuple(item))
    return out


def _need_matrix(
    network: Network, ids: list[str], deadline: _engine.Deadline
) -> tuple[NDArray[np.float64], float, NDArray[np.bool_]] | None:
    """Need-service matrix, its threshold, and whose needs were not matched before
    ``deadline``: :func:`_served_matrix` made dense (1 where
    :func:`netmatch.introductions.need_match_matrix` reaches
    :data:`~netmatch.introductions.SERVED_THRESHOLD`, which the whole matrix would
    take longer to say).

    Tests replace this function to inject a matrix.
    """
    got = _served_matrix(network, ids, deadline)
    if got is None:
        return None
    served, unmatched = got
    return np.asarray(served.toarray(), dtype=np.float64), 0.5, unmatched


@attrs.frozen
class _Setup:
    """An event checked and turned into integers: what the steps of the planner share."""

    ids: list[str]
    problem: Problem | _large.LargeProblem
    host_of: dict[int, int]
    apart_pairs: list[tuple[int, int]]
    avoid_known: bool
    context: _PlanContext
    # When the need matching of the dense engine ended (a clock reading), with a time
    # limit: the start's share of the time counts from the call's start, not from here.
    matched_at: float | None = None


def _problem_of(
    participants: Network | Iterable[str],
    *,
    network: Network | None,
    rounds: int,
    table_size: int | None,
    n_tables: int | None,
    table_sizes: Sequence[int] | Sequence[Sequence[int]] | None,
    hosts: Mapping[str, int] | None,
    keep_apart: Iterable[tuple[str, str]],
    keep_together: Iterable[Iterable[str]],
    attendance: Mapping[str, Iterable[int]] | None,
    balance: Iterable[str] | str,
    avoid_known: bool,
    serve_needs: bool,
    deadline: _engine.Deadline | None = None,
) -> _Setup:
    """Check every argument and build the integer problem the engine works on (the need
    matching of large events stops at ``deadline``, see :func:`_needs_sparse`)."""
    ids, network = _participants(participants, network)
    n = len(ids)
    if n == 0:
        raise InvalidInputError("no participants", field="participants")
    w = check_rounds(rounds, n)
    index = {m: i for i, m in enumerate(ids)}
    attend = _attendance(attendance, index, w)
    counts = attend.sum(axis=1)
    if (counts == 0).any():
        r = int(np.flatnonzero(counts == 0)[0])
        raise InvalidInputError(f"nobody attends round {r}", field="attendance")
    sizes = _sizes(counts, table_size, n_tables, table_sizes, n)
    g = sizes.shape[1]
    host_of = _host_tables(hosts, index, g)
    fixed = np.full((w, n), -1, dtype=np.int64)
    for i, t in host_of.items():
        fixed[attend[:, i], i] = t
    apart_pairs = _keep_apart(keep_apart, index, ids, attend, host_of, g)
    groups = _keep_together(keep_together, index, ids, attend, sizes, host_of, apart_pairs)
    _check_host_loads(fixed, sizes, ids)
    cats, n_cats, attr_values = _balance_codes(network, ids, balance)
    people: dict[str, dict[str, str | None]] = {}
    if network is not None:
        for m in ids:
            mem = network.member(m)
            people[m] = {f: getattr(mem, f) for f in _MEMBER_FIELDS}
    problem: Problem | _large.LargeProblem
    servers: Mapping[str, frozenset[str]]
    matched_at: float | None = None
    if _large.too_big(n, w, g):
        # No (n, n) array: pair data stays sparse (see netmatch.rotation._large).
        prior_sp, prior_pairs = _prior_sparse(network, index, groups, host_of, avoid_known)
        serve_sp, needy, servers, unmatched = _needs_sparse(
            network, ids, serve_needs, deadline or _engine.Deadline(None)
        )
        problem = _large.LargeProblem(
            n=n,
            rounds=w,
            n_tables=g,
            attend=attend,
            sizes=sizes,
            fixed=fixed,
            groups=groups,
            apart=_large.pair_matrix(n, apart_pairs),
            prior=prior_sp,
            serve=serve_sp,
            needy=needy,
            cats=cats,
            n_cats=n_cats,
            even_sizes=table_sizes is None,
        )
    else:
        apart = np.zeros((n, n), dtype=bool)
        for i, j in apart_pairs:
            apart[i, j] = apart[j, i] = True
        prior, prior_pairs = _prior_meetings(network, index, groups, host_of, avoid_known)
        serve, needy, servers, unmatched = _needs(
            network, ids, serve_needs, deadline or _engine.Deadline(None)
        )
        if serve is not None and deadline is not None and deadline.end is not None:
            matched_at = _engine._clock()
        problem = Problem(
            n=n,
            rounds=w,
            n_tables=g,
            attend=attend,
            sizes=sizes,
            fixed=fixed,
            groups=groups,
            apart=apart,
            prior=prior,
            serve=serve,
            needy=needy,
            cats=cats,
            n_cats=n_cats,
            even_sizes=table_sizes is None,
        )
    context = _PlanContext(
        prior_pairs=frozenset(prior_pairs),
        servers=servers,
        attributes=attr_values,
        people=people,
        needs_unmatched=unmatched,
    )
    return _Setup(ids, problem, host_of, apart_pairs, avoid_known, context, matched_at)


def _host_tables(
    hosts: Mapping[str, int] | None, index: Mapping[str, int], g: int
) -> dict[int, int]:
    if hosts is not None and not isinstance(hosts, Mapping):
        raise InvalidInputError(
            f"hosts must map member ids to tables, got {hosts!r}", field="hosts"
        )
    host_of: dict[int, int] = {}
    for m, t in (hosts or {}).items():
        i = _member(index, m, "hosts")
        t = _int(t, f"hosts[{m!r}]")
        if not 0 <= t < g:
            raise InvalidInputError(
                f"host {m!r} is given table {t}, but tables are 0..{g - 1}", field="hosts"
            )
        host_of[i] = t
    return host_of


def _keep_apart(
    keep_apart: Iterable[tuple[str, str]],
    index: Mapping[str, int],
    ids: list[str],
    attend: NDArray[np.bool_],
    host_of: dict[int, int],
    g: int,
) -> list[tuple[int, int]]:
    apart_pairs: list[tuple[int, int]] = []
    for pair in _pairs(keep_apart, "keep_apart"):
        if len(pair) != 2:
            raise InvalidInputError(
                f"keep_apart entries must be pairs, got {pair!r}", field="keep_apart"
            )
        i, j = (_member(index, m, "keep_apart") for m in pair)
        if i == j:
            raise InvalidInputError(
                f"keep_apart pair {pair!r} names the same member twice", field="keep_apart"
            )
        apart_pairs.append((i, j))
        both = np.flatnonzero(attend[:, i] & attend[:, j])
        if g == 1 and both.size:
            raise InfeasibleError(
                f"keep_apart pair ({ids[i]!r}, {ids[j]!r}) cannot be honoured with a single "
                f"table (round {int(both[0])})"
            )
        if host_of.get(i, -1) == host_of.get(j, -2) and both.size:
            raise InfeasibleError(
                f"hosts {ids[i]!r} and {ids[j]!r} keep the same table {host_of[i]} "
                "but are also in keep_apart"
            )
    return apart_pairs


def _keep_together(
    keep_together: Iterable[Iterable[str]],
    index: Mapping[str, int],
    ids: list[str],
    attend: NDArray[np.bool_],
    sizes: NDArray[np.int64],
    host_of: dict[int, int],
    apart_pairs: list[tuple[int, int]],
) -> list[NDArray[np.int64]]:
    """Keep-together groups (overlapping ones merged), checked against the rest."""
    n = len(ids)
    uf = _Groups(n)
    in_group = np.zeros(n, dtype=bool)
    for group in _pairs(keep_together, "keep_together"):
        members = [_member(index, m, "keep_together") for m in group]
        if len(set(members)) < 2:
            raise InvalidInputError(
                f"keep_together group {group!r} needs at least two different members",
                field="keep_together",
            )
        for j in members[1:]:
            uf.union(members[0], j)
        in_group[members] = True
    roots: dict[int, list[int]] = {}
    for gi in np.flatnonzero(in_group).tolist():
        roots.setdefault(uf.find(gi), []).append(gi)
    groups = [np.array(sorted(v), dtype=np.int64) for v in roots.values()]
    for grp in groups:
        _check_group(grp, ids, attend, sizes, host_of, apart_pairs)
    return groups


def _check_group(
    grp: NDArray[np.int64],
    ids: list[str],
    attend: NDArray[np.bool_],
    sizes: NDArray[np.int64],
    host_of: dict[int, int],
    apart_pairs: list[tuple[int, int]],
) -> None:
    names = [ids[i] for i in grp]
    for i, j in apart_pairs:
        if i in grp and j in grp:
            raise InfeasibleError(
                f"{ids[i]!r} and {ids[j]!r} are both in keep_together group {names} "
                "and in keep_apart"
            )
    tables = {host_of[i] for i in grp if i in host_of}
    if len(tables) > 1:
        raise InfeasibleError(
            f"keep_together group {names} contains hosts of different tables {sorted(tables)}"
        )
    for r in range(attend.shape[0]):
        here = grp[attend[r, grp]]
        if tables:
            t = next(iter(tables))
            other_hosts = [
                i for i, ht in host_of.items() if ht == t and attend[r, i] and i not in grp
            ]
            if here.size + len(other_hosts) > sizes[r, t]:
                raise InfeasibleError(
                    f"keep_together group {names} ({here.size} attending) and the hosts of "
                    f"table {t} need {here.size + len(other_hosts)} seats in round {r}, "
                    f"the table seats {int(sizes[r, t])}"
                )
        elif here.size > sizes[r].max():
            raise InfeasibleError(
                f"keep_together group {names} has {here.size} members attending round {r}, "
                f"more than the largest table ({int(sizes[r].max())})"
            )


def _check_host_loads(fixed: NDArray[np.int64], sizes: NDArray[np.int64], ids: list[str]) -> None:
    """Refuse hosts who overfill a table."""
    g = sizes.shape[1]
    for r in range(fixed.shape[0]):
        load = np.bincount(fixed[r][fixed[r] >= 0], minlength=g)
        over = np.flatnonzero(load > sizes[r])
        if over.size:
            t = int(over[0])
            who = [ids[i] for i in np.flatnonzero(fixed[r] == t)]
            raise InfeasibleError(
                f"hosts {who} all keep table {t}, which seats only {int(sizes[r, t])} in round {r}"
            )


def _prior_meetings(
    network: Network | None,
    index: Mapping[str, int],
    groups: list[NDArray[np.int64]],
    host_of: dict[int, int],
    avoid_known: bool,
) -> tuple[NDArray[np.int32], set[frozenset[str]]]:
    """Initial meet counts: 1 for people who know each other (with ``avoid_known``),
    ``FORCED`` for meetings that never count (oneself, a group, hosts of one table)."""
    n = len(index)
    prior = np.zeros((n, n), dtype=np.int32)
    prior_pairs: set[frozenset[str]] = set()
    if network is not None:
        for a, b in list(network.acquaintance_pairs()) + list(network.met_pairs()):
            if a in index and b in index:
                prior_pairs.add(frozenset((a, b)))
                if avoid_known:
                    prior[index[a], index[b]] = prior[index[b], index[a]] = 1
    for grp in groups:
        prior[np.ix_(grp, grp)] = FORCED
    by_table: dict[int, list[int]] = {}
    for i, t in host_of.items():
        by_table.setdefault(t, []).append(i)
    for same in by_table.values():
        prior[np.ix_(same, same)] = FORCED
    np.fill_diagonal(prior, FORCED)
    return prior, prior_pairs


def _prior_sparse(
    network: Network | None,
    index: Mapping[str, int],
    groups: list[NDArray[np.int64]],
    host_of: dict[int, int],
    avoid_known: bool,
) -> tuple[sp.csr_matrix, set[frozenset[str]]]:
    """:func:`_prior_meetings` as a sparse matrix without its diagonal."""
    import scipy.sparse as sp

    n = len(index)
    keys: list[NDArray[np.int64]] = []
    values: list[NDArray[np.int32]] = []
    prior_pairs: set[frozenset[str]] = set()
    if network is not None:
        known = []
        for a, b in list(network.acquaintance_pairs()) + list(network.met_pairs()):
            if a in index and b in index:
                prior_pairs.add(frozenset((a, b)))
                i, j = sorted((index[a], index[b]))
                if avoid_known and i != j:
                    known.append(i * n + j)
        keys.append(np.array(known, dtype=np.int64))
        values.append(np.ones(len(known), dtype=np.int32))
    by_table: dict[int, list[int]] = {}
    for i, t in host_of.items():
        by_table.setdefault(t, []).append(i)
    for same in [*(grp.tolist() for grp in groups), *by_table.values()]:
        lo, hi = np.triu_indices(len(same), 1)
        members = np.sort(np.array(same, dtype=np.int64))
        keys.append(members[lo] * n + members[hi])
        values.append(np.full(lo.size, FORCED, dtype=np.int32))
    if not keys:
        return sp.csr_matrix((n, n), dtype=np.int32), prior_pairs
    return _large.prior_matrix(n, np.concatenate(keys), np.concatenate(values)), prior_pairs


class _Servers(Mapping[str, frozenset[str]]):
    """Who serves whom, read from a sparse matrix when asked (the plan's statistics)."""

    def __init__(self, ids: list[str], serve: sp.csr_matrix) -> None:
        self._ids = ids
        self._serve = serve
        self._index = {m: i for i, m in enumerate(ids)}
        self._needy = [ids[i] for i in np.flatnonzero(np.diff(serve.indptr) > 0).tolist()]

    def __getitem__(self, member: str) -> frozenset[str]:
        i = self._index[member]
        row = self._serve.indices[self._serve.indptr[i] : self._serve.indptr[i + 1]]
        if row.size == 0:
            raise KeyError(member)
        return frozenset(self._ids[j] for j in row.tolist())

    def __iter__(self) -> Iterator[str]:
        return iter(self._needy)

    def __len__(self) -> int:
        return len(self._needy)


def _served_matrix(
    network: Network, ids: list[str], deadline: _engine.Deadline
) -> tuple[sp.csr_matrix, NDArray[np.bool_]] | None:
    """Who serves whom, sparse, from :mod:`netmatch.introductions`, and whose needs
    were not matched before ``deadline``.

    Tests replace this function to inject a matrix (or None: no need matching). An
    error inside the matching propagates: it must not pass for "nobody serves anyone".
    """
    from .. import introductions  # here: planning without needs never loads the text stack

    return introductions._served_pairs(network, ids, deadline.passed)


def _needs_sparse(
    network: Network | None, ids: list[str], serve_needs: bool, deadline: _engine.Deadline
) -> tuple[sp.csr_matrix | None, NDArray[np.bool_], Mapping[str, frozenset[str]], int]:
    """:func:`_needs` as a sparse matrix, from
    :func:`netmatch.introductions._served_pairs` (no dense need matrix), and how many
    members' needs were not matched because ``deadline`` passed first."""
    import scipy.sparse as sp

    n = len(ids)
    needy = np.zeros(n, dtype=bool)
    if not serve_needs or network is None:
        return None, needy, {}, 0
    has_need = np.array([bool(network.member(m).needs) for m in ids])
    if not has_need.any():
        return None, needy, {}, 0
    got = _served_matrix(network, ids, deadline)
    if got is None:
        return None, needy, {}, 0
    served, unmatched = got
    # Ones where served, on the rows of members with a need, off the diagonal (by the
    # index arrays: a diagonal product and setdiag on millions of entries took 0.4 s).
    served = sp.csr_matrix(served)
    served.sum_duplicates()
    rows = np.repeat(np.arange(n), np.diff(served.indptr))
    keep = has_need[rows] & (served.indices != rows) & (served.data != 0)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=n))])
    serve = sp.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), served.indices[keep], indptr), shape=(n, n)
    )
    needy = np.diff(serve.indptr) > 0
    return serve, needy, _Servers(ids, serve), int((unmatched & has_need).sum())


def _needs(
    network: Network | None, ids: list[str], serve_needs: bool, deadline: _engine.Deadline
) -> tuple[NDArray[np.int8] | None, NDArray[np.bool_], dict[str, frozenset[str]], int]:
    """Who serves whose need (``serve[i, j]``), who has a need someone here serves, and
    how many members' needs were not matched because ``deadline`` passed first."""
    n = len(ids)
    needy = np.zeros(n, dtype=bool)
    servers: dict[str, frozenset[str]] = {}
    if not serve_needs or network is None:
        return None, needy, servers, 0
    if not any(network.member(m).needs for m in ids):
        return None, needy, servers, 0  # no need to serve: skip the matrix
    got = _need_matrix(network, ids, deadline)
    if got is None:
        return None, needy, servers, 0
    matrix, threshold, unmatched = got
    if matrix.shape != (n, n):
        raise InvalidInputError(
            f"need_match_matrix returned shape {matrix.shape}, expected {(n, n)}",
            field="serve_needs",
        )
    serve = (matrix >= threshold).astype(np.int8)
    np.fill_diagonal(serve, 0)
    has_need = np.array([bool(network.member(m).needs) for m in ids])
    serve[~has_need] = 0
    needy = np.asarray(serve.any(axis=1), dtype=bool)
    for ni in np.flatnonzero(needy).tolist():
        servers[ids[ni]] = frozenset(ids[j] for j in np.flatnonzero(serve[ni]).tolist())
    return serve, needy, servers, int((np.asarray(unmatched, dtype=bool) & has_need).sum())


def _balance_codes(
    network: Network | None, ids: list[str], balance: Iterable[str] | str
) -> tuple[list[NDArray[np.int64]], list[int], dict[str, dict[str, str | None]]]:
    """Category codes per balance attribute (-1 unknown); attributes nobody has are
    refused, attributes with a single value are left out (nothing to mix)."""
    names = [balance] if isinstance(balance, str) else list(balance)
    cats: list[NDArray[np.int64]] = []
    n_cats: list[int] = []
    attr_values: dict[str, dict[str, str | None]] = {}
    if network is None:
        return cats, n_cats, attr_values
    roster = [network.member(m) for m in ids]
    for name in names:
        if not isinstance(name, str):
            raise InvalidInputError(f"balance names must be str, got {name!r}", field="balance")
        if name in _MEMBER_FIELDS:
            values = [getattr(mem, name) for mem in roster]
        elif any(name in mem.attributes for mem in roster):
            values = [mem.attributes.get(name) or None for mem in roster]
        else:
            raise InvalidInputError(
                f"cannot balance {name!r}: not a member field {_MEMBER_FIELDS} nor an "
                "attribute of any participant",
                field="balance",
            )
        attr_values[name] = dict(zip(ids, values, strict=True))
        codes: dict[str, int] = {}
        cat = np.array(
            [-1 if v is None else codes.setdefault(v, len(codes)) for v in values],
            dtype=np.int64,
        )
        if len(codes) > 1:
            cats.append(cat)
            n_cats.append(len(codes))
    return cats, n_cats, attr_values
