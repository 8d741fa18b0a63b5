"""Re-planning during the event: played rounds stay, no-shows leave, newcomers join."""

from __future__ import annotations

import itertools
import warnings
from collections import Counter
from pathlib import Path

import pytest

import netmatch as nm


def _meetings(rounds: object) -> Counter[frozenset[str]]:
    counts: Counter[frozenset[str]] = Counter()
    for rnd in rounds:  # type: ignore[attr-defined]
        for table in rnd:
            counts.update(frozenset(p) for p in itertools.combinations(table, 2))
    return counts


def _plan(n: int = 16, rounds: int = 5, **options: object) -> nm.RotationPlan:
    ids = [f"p{i:02d}" for i in range(n)]
    return nm.plan_rotation(ids, rounds=rounds, table_size=4, seed=0, **options)  # type: ignore[arg-type]


def test_played_rounds_stay_and_the_rest_avoids_their_meetings() -> None:
    plan = _plan()
    assert plan.stats().repeats == 0
    later = plan.replan(2, seed=1, max_iterations=20000)
    assert later.rounds[:2] == plan.rounds[:2]
    assert len(later.rounds) == 5
    # 16 people, tables of 4, 5 rounds: still no one meets anyone twice.
    assert max(_meetings(later.rounds).values()) == 1
    assert later.stats().repeats == 0


def test_no_shows_leave_and_newcomers_join_from_the_next_round() -> None:
    plan = _plan(rounds=4)
    later = plan.replan(
        1, attendance={"p03": [], "p07": [0, 1, 2], "p16": [2, 3]}, newcomers=["p16", "p17"],
        seed=0, max_iterations=5000,
    )  # fmt: skip
    assert later.rounds[0] == plan.rounds[0]
    assert later.member_ids[-2:] == ("p16", "p17")
    assert later.itinerary("p03")[1:] == (None, None, None)
    assert later.itinerary("p07")[3] is None
    assert None not in later.itinerary("p07")[:3]
    assert later.itinerary("p16")[:2] == (None, None)
    assert None not in later.itinerary("p16")[2:]
    assert None not in later.itinerary("p17")[1:]
    seated = [sorted(m for t in rnd for m in t) for rnd in later.rounds]
    assert all(len(s) == len(set(s)) for s in seated)  # nobody twice in a round


def test_played_meetings_count_even_without_avoid_known() -> None:
    plan = _plan(rounds=4)
    net = nm.Network([nm.Member(m, m) for m in plan.member_ids])
    later = plan.replan(1, network=net, avoid_known=False, seed=0, max_iterations=20000)
    played = _meetings(later.rounds[:1])
    again = _meetings(later.rounds[1:])
    assert not set(played) & set(again)


def test_hosts_keep_their_tables_and_acquaintances_stay_apart() -> None:
    ids = [f"p{i:02d}" for i in range(16)]
    net = nm.Network([nm.Member(m, m) for m in ids], acquaintances=[("p01", "p02")])
    plan = nm.plan_rotation(net, rounds=4, table_size=4, hosts={"p00": 2}, seed=0)
    later = plan.replan(2, network=net, newcomers=(), seed=0, max_iterations=20000)
    assert {later.table_of("p00", r) for r in range(4)} == {2}
    assert frozenset(("p01", "p02")) not in _meetings(later.rounds)


def test_same_seed_same_replan() -> None:
    plan = _plan(rounds=4)
    first = plan.replan(1, attendance={"p05": []}, seed=3, max_iterations=3000)
    second = plan.replan(1, attendance={"p05": []}, seed=3, max_iterations=3000)
    assert first == second


def test_replan_can_add_rounds() -> None:
    plan = _plan(rounds=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        later = plan.replan(2, rounds=4, seed=0, max_iterations=2000)
    assert len(later.rounds) == 4
    assert later.rounds[:2] == plan.rounds


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"from_round": 6}, nm.InvalidInputError, "from_round"),
        ({"from_round": -1}, nm.InvalidInputError, "from_round"),
        ({"from_round": 5}, nm.InvalidInputError, "from_round"),
        ({"from_round": 1, "attendance": {"zz": [2]}}, nm.UnknownMemberError, "zz"),
        ({"from_round": 1, "attendance": {"p01": [9]}}, nm.InvalidInputError, "round 9"),
        ({"from_round": 1, "attendance": {"p01": "2"}}, nm.InvalidInputError, "list of rounds"),
        ({"from_round": 1, "newcomers": ["p01"]}, nm.InvalidInputError, "already"),
        ({"from_round": 1, "newcomers": "p99"}, nm.InvalidInputError, "newcomers"),
        ({"from_round": 1, "network": "net"}, nm.InvalidInputError, "network"),
        ({"from_round": 1, "newcomers": ["p99"], "network": nm.Network()}, nm.UnknownMemberError,
         "not in the network"),
    ],
)  # fmt: skip
def test_bad_replans_are_refused_with_the_field(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    plan = _plan()
    from_round = kwargs.pop("from_round")
    with pytest.raises(error, match=match):
        plan.replan(from_round, **kwargs)  # type: ignore[arg-type]


def test_nobody_left_is_refused() -> None:
    plan = _plan(rounds=2)
    with pytest.raises(nm.InvalidInputError, match="nobody attends"):
        plan.replan(1, attendance={m: [] for m in plan.member_ids})


# -- reading a printed plan back ------------------------------------------------------


@pytest.mark.parametrize(("dialect", "lang"), [(None, "en"), ("excel-fr", "fr")])
def test_plan_csv_reads_back(tmp_path: Path, dialect: str | None, lang: str) -> None:
    ids = [f"p{i:02d}" for i in range(12)]
    plan = nm.plan_rotation(ids, rounds=3, table_size=4, hosts={"p05": 1}, seed=0)
    path = tmp_path / "plan.csv"
    nm.write_plan_csv(plan, path, dialect=dialect, lang=lang)
    back = nm.io.read_plan_csv(path, nm.Network([nm.Member(m, m) for m in ids]))
    assert back.rounds == plan.rounds
    assert dict(back.hosts) == {"p05": 1}
    assert sorted(back.member_ids) == ids


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("round,member_id\n1,a\n", "'table' column"),
        ("round,table,member_id\n1,1,a\n1,2,a\n", "seated twice in round 1"),
        ("round,table,member_id\n0,1,a\n", "round must be a whole number from 1"),
        ("round,table,member_id\n1,x,a\n", "table must be a whole number"),
        ("round,table,member_id\n1,1,\n", "member id is empty"),
        ("round,table,member_id,host\n1,1,a,oui\n2,2,a,oui\n", "host 'a' is at table 1"),
        ("round,table,member_id,host\n1,1,a,maybe\n", "field 'host': expected yes/no"),
        ("round,table,member_id\n", "no seat"),
    ],
)
def test_bad_plan_files_name_line_and_field(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(nm.InvalidInputError, match=match) as info:
        nm.io.read_plan_csv(path)
    assert "plan.csv" in str(info.value)


def test_plan_file_ids_must_be_members(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("Tour;Table;Identifiant\n1;1;a\n1;1;zz\n", encoding="utf-8")
    net = nm.Network([nm.Member("a", "Ana")])
    with pytest.raises(nm.UnknownMemberError, match="zz"):
        nm.io.read_plan_csv(path, net)


def test_a_host_keeps_their_table_when_no_shows_leave_fewer_tables_needed() -> None:
    ids = [f"p{i:02d}" for i in range(16)]
    plan = nm.plan_rotation(ids, rounds=4, table_size=4, hosts={"p00": 3}, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        later = plan.replan(2, attendance={m: [] for m in ids[1:6]}, seed=0, max_iterations=2000)
    assert later.itinerary("p00") == (3, 3, 3, 3)
    assert all(len(rnd) == 4 for rnd in later.rounds[2:])  # 11 people, still 4 tables
