"""Fuzzing plan_rotation and suggest_introductions with random valid and invalid arguments.

Issue 8: the only exceptions that may escape are NetmatchError subclasses (or
TypeError for wrong Python types), and every returned result passes a recount of
its defining properties: everyone attending sits exactly once per round, table sizes
differ by at most one when only a size or a count is given, hosts stay at their
table, keep-apart pairs never share a table, keep-together groups always do, and
introductions never pair people who know each other, met or declined.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import warnings
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import netmatch as nm
from strategies import networks

FUZZ = settings(
    max_examples=int(os.environ.get("NETMATCH_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SECTORS = ["Bois", "Conseil", "Numérique", None]


def _call(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run ``function``; return None if it refused with NetmatchError or TypeError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.NetmatchWarning)
        try:
            return function(*args, **kwargs)
        except (nm.NetmatchError, TypeError):
            return None


# -- plan_rotation ------------------------------------------------------------------------
def _maybe_bad_int(low: int, high: int) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(low, high),
        st.integers(low, high),
        st.sampled_from([0, -1, 2.5, "3", True, None]),
    )


@st.composite
def _valid_rotation_options(draw: st.DrawFn, ids: list[str]) -> dict[str, Any]:
    """Arguments that make sense (they may still conflict: InfeasibleError is fine)."""
    n = len(ids)
    rounds = draw(st.integers(1, 4))
    kwargs: dict[str, Any] = {"rounds": rounds}
    if draw(st.booleans()):
        size = draw(st.integers(2, max(2, min(7, n))))
        kwargs["table_size"] = size
        tables = math.ceil(n / size)
    else:
        tables = draw(st.integers(1, max(1, n // 2)))
        kwargs["n_tables"] = tables
    people = st.sampled_from(ids)
    if draw(st.booleans()):
        hosts = draw(st.lists(people, max_size=min(2, tables), unique=True))
        kwargs["hosts"] = {h: t for t, h in enumerate(hosts)}
    if draw(st.booleans()):
        pairs = st.lists(people, min_size=2, max_size=2, unique=True).map(tuple)
        kwargs["keep_apart"] = draw(st.lists(pairs, max_size=2))
    if draw(st.booleans()):
        kwargs["keep_together"] = [draw(st.lists(people, min_size=2, max_size=2, unique=True))]
    if draw(st.booleans()):
        some_rounds = st.lists(st.integers(0, rounds - 1), min_size=1, unique=True).map(sorted)
        kwargs["attendance"] = draw(st.dictionaries(people, some_rounds, max_size=2))
    return kwargs


@st.composite
def _hostile_rotation_options(draw: st.DrawFn, ids: list[str]) -> dict[str, Any]:
    """Anything: wrong types, unknown ids, out-of-range tables, conflicting options."""
    kwargs: dict[str, Any] = {"rounds": draw(_maybe_bad_int(1, 4))}
    how = draw(st.sampled_from(["table_size", "n_tables", "table_sizes", "none", "both"]))
    if how in ("table_size", "both"):
        kwargs["table_size"] = draw(_maybe_bad_int(2, 7))
    if how in ("n_tables", "both"):
        kwargs["n_tables"] = draw(_maybe_bad_int(1, 6))
    if how == "table_sizes":
        kwargs["table_sizes"] = draw(st.lists(st.integers(-1, 8), min_size=1, max_size=6))
    any_id = st.sampled_from([*ids, "ghost"])
    if draw(st.booleans()):
        kwargs["hosts"] = draw(st.dictionaries(any_id, st.integers(-1, 5), max_size=3))
    if draw(st.booleans()):
        kwargs["keep_apart"] = draw(st.lists(st.tuples(any_id, any_id), max_size=3))
    if draw(st.booleans()):
        kwargs["keep_together"] = draw(
            st.lists(st.lists(any_id, min_size=1, max_size=3), max_size=2)
        )
    if draw(st.booleans()):
        rounds = st.lists(st.integers(-1, 4), max_size=4).map(sorted)
        kwargs["attendance"] = draw(st.dictionaries(any_id, rounds, max_size=3))
    return kwargs


@st.composite
def rotation_arguments(draw: st.DrawFn) -> tuple[Any, dict[str, Any], list[str]]:
    hostile = draw(st.sampled_from([False, False, True]))
    n = draw(st.integers(0 if hostile else 2, 24))
    ids = [f"p{i}" for i in range(n)]
    net = None
    if draw(st.booleans()):
        net = nm.Network(
            [nm.Member(i, f"Name {i}", sector=draw(st.sampled_from(SECTORS))) for i in ids]
        )
        if n >= 2:
            for a, b in draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)),
                                      max_size=n)):  # fmt: skip
                if a != b:
                    net.add_acquaintance(a, b)
    options = _hostile_rotation_options(ids) if hostile else _valid_rotation_options(ids)
    kwargs = draw(options)
    kwargs.update(seed=draw(st.integers(0, 3)), time_limit=0.3, max_iterations=300)
    if draw(st.booleans()):
        kwargs["balance"] = draw(st.sampled_from([(), ("sector",), ("region", "x"), "sector"]))
    kwargs["avoid_known"] = draw(st.booleans())
    kwargs["serve_needs"] = draw(st.booleans())
    participants: Any = net if (net is not None and draw(st.booleans())) else ids
    if participants is ids and net is not None:
        kwargs["network"] = net
    return participants, kwargs, ids


def _recount(plan: Any, kwargs: dict[str, Any], ids: list[str]) -> None:
    rounds = kwargs["rounds"]
    assert len(plan.rounds) == rounds
    attendance = {m: set(r) for m, r in (kwargs.get("attendance") or {}).items()}
    seen_pairs: Counter[frozenset[str]] = Counter()
    for r, tables in enumerate(plan.rounds):
        seated = [m for table in tables for m in table]
        expected = [m for m in ids if m not in attendance or r in attendance[m]]
        assert sorted(seated) == sorted(expected), f"round {r}: not everyone exactly once"
        sizes = [len(t) for t in tables]
        assert all(s >= 1 for s in sizes)
        if "table_sizes" not in kwargs:
            assert max(sizes) - min(sizes) <= 1, f"round {r}: uneven tables {sizes}"
        for host, t in (kwargs.get("hosts") or {}).items():
            if host in seated:
                assert host in tables[t], f"host {host} not at table {t} in round {r}"
        for table in tables:
            members = set(table)
            for a, b in kwargs.get("keep_apart") or ():
                assert not (a != b and {a, b} <= members), f"{a} and {b} kept apart"
            for pair in itertools.combinations(sorted(members), 2):
                seen_pairs[frozenset(pair)] += 1
        for group in kwargs.get("keep_together") or ():
            present = [m for m in group if m in seated]
            tables_of = {t for t, table in enumerate(tables) for m in present if m in table}
            assert len(tables_of) <= 1, f"group {group} split in round {r}"
    if plan.stats().repeats == 0:
        assert all(count == 1 for count in seen_pairs.values())
    records = plan.to_records(start=1)
    assert len(records) == sum(len(t) for tables in plan.rounds for t in tables)
    json.dumps(plan.stats().to_dict())


@FUZZ
@given(rotation_arguments())
def test_plan_rotation_fuzz(arguments: tuple[Any, dict[str, Any], list[str]]) -> None:
    participants, kwargs, ids = arguments
    plan = _call(nm.plan_rotation, participants, **kwargs)
    event("plan returned" if plan is not None else "refused")
    if plan is not None:
        _recount(plan, kwargs, ids)


# -- suggest_introductions ------------------------------------------------------------------
@st.composite
def introduction_arguments(draw: st.DrawFn) -> tuple[nm.Network, dict[str, Any]]:
    net = draw(networks(max_members=6))
    kwargs: dict[str, Any] = {"seed": draw(st.one_of(st.none(), st.integers(0, 3)))}
    if draw(st.booleans()):
        ids = [*net.ids, "ghost"]
        kwargs["member"] = draw(st.one_of(st.sampled_from(ids), st.just(3)))
        kwargs["k"] = draw(_maybe_bad_int(1, 4))
    else:
        if draw(st.booleans()):
            kwargs["per_member"] = draw(_maybe_bad_int(1, 3))
        if draw(st.booleans()):
            kwargs["capacity"] = draw(_maybe_bad_int(1, 3))
    return net, kwargs


@FUZZ
@given(introduction_arguments())
def test_suggest_introductions_fuzz(arguments: tuple[nm.Network, dict[str, Any]]) -> None:
    net, kwargs = arguments
    intros = _call(nm.suggest_introductions, net, **kwargs)
    event("introductions returned" if intros is not None else "refused")
    if intros is None:
        return
    as_b: Counter[str] = Counter()
    as_a: Counter[str] = Counter()
    for intro in intros:
        assert intro.a != intro.b
        assert intro.a in net
        assert intro.b in net
        assert not net.excluded(intro.a, intro.b), (intro.a, intro.b)
        assert net.member(intro.a).needs, "only members with a need receive introductions"
        assert math.isfinite(intro.score)
        json.dumps(intro.to_dict())
        as_a[intro.a] += 1
        as_b[intro.b] += 1
    if "member" in kwargs:
        assert all(intro.a == kwargs["member"] for intro in intros)
        assert len(intros) <= kwargs["k"]
    else:
        limit = kwargs.get("per_member") or 5
        assert all(count <= limit for count in as_a.values())
        if kwargs.get("capacity"):
            assert all(count <= kwargs["capacity"] for count in as_b.values())
    assert len({(i.a, i.b) for i in intros}) == len(intros)
