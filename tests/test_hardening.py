"""Issue 15, the parameters and the command line: what an attacker still broke, one test each.

The readers and writers have theirs in ``test_io_hardening.py``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netmatch as nm
from netmatch import cli
from netmatch._validation import check_rounds, check_seed, check_time_limit, max_rounds

IDS = [f"m{i}" for i in range(8)]
NET = nm.Network(
    [nm.Member(f"m{i}", f"P{i}", skills=("droit",), needs=("comptable",)) for i in range(4)]
)
BAD_SEEDS = ["abc", 1.5, object(), -1, True, np.float64(2.0)]


def _rotate(**kwargs: Any) -> nm.RotationPlan:
    options: dict[str, Any] = {"rounds": 2, "table_size": 4, "max_iterations": 50}
    options.update(kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        return nm.plan_rotation(IDS, **options)


# -- seeds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", BAD_SEEDS, ids=repr)
def test_a_bad_seed_is_a_netmatch_error_everywhere(seed: object) -> None:
    calls = {
        "plan_rotation": lambda: _rotate(seed=seed),
        "suggest_introductions": lambda: nm.suggest_introductions(NET, seed=seed, encoder=None),
        "IntroductionMatcher": lambda: nm.IntroductionMatcher(seed=seed).fit(NET),
        "schedule_meetings": lambda: nm.schedule_meetings([("m0", "m1")], slots=2, tables=1,
                                                          seed=seed),
    }  # fmt: skip
    for name, call in calls.items():
        with pytest.raises(nm.InvalidInputError, match="seed must be") as info:
            call()
        assert info.value.field == "seed", name


@pytest.mark.parametrize("seed", [0, 7, np.int64(3), np.uint8(1)], ids=repr)
def test_good_seeds_are_accepted_and_give_the_same_plan(seed: object) -> None:
    assert _rotate(seed=seed).rounds == _rotate(seed=seed).rounds
    assert check_seed(seed) == int(seed)  # type: ignore[call-overload]
    assert check_seed(None) is None


def test_a_generator_is_a_seed() -> None:
    rng = np.random.default_rng(1)
    assert check_seed(rng) is rng
    first, second = (_rotate(seed=np.random.default_rng(1)) for _ in range(2))
    assert first.rounds == second.rounds


# -- time limits ------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [float("nan"), float("inf"), -float("inf"), -1, -0.5, "1", True,
                                   np.float32("nan"), 0, 0.0, np.float64(0)], ids=repr)  # fmt: skip
def test_a_time_limit_that_is_not_a_finite_number_is_refused(limit: object) -> None:
    with pytest.raises(nm.InvalidInputError, match="time_limit must be") as info:
        _rotate(time_limit=limit)
    assert info.value.field == "time_limit"


@pytest.mark.parametrize("limit", [1, 1.0, np.float32(1), np.float64(1), np.int64(1), np.int32(1),
                                   None], ids=repr)  # fmt: skip
def test_every_number_type_is_a_time_limit_alike(limit: object) -> None:
    plan = _rotate(time_limit=limit, seed=0)
    assert plan.rounds == _rotate(time_limit=None, seed=0).rounds
    assert check_time_limit(limit) == (None if limit is None else float(limit))  # type: ignore[arg-type]


# -- rounds ---------------------------------------------------------------------------------------


def test_rounds_have_an_upper_bound_tied_to_the_size_of_the_event() -> None:
    assert max_rounds(8) == 1000
    assert max_rounds(40) == 1000
    assert max_rounds(10_000) == 100
    assert max_rounds(10**7) == 10
    assert check_rounds(1000, 8) == 1000
    with pytest.raises(nm.InvalidInputError, match="at most 1000 for 8 participants") as info:
        _rotate(rounds=1001)
    assert info.value.field == "rounds"
    with pytest.raises(nm.InvalidInputError, match="at most 1000"):
        _rotate(rounds=10**9)  # once a MemoryError: numpy was asked for 11 GiB
    with pytest.raises(nm.InvalidInputError, match="at most 200 for 5000 participants"):
        nm.plan_rotation([f"p{i}" for i in range(5000)], rounds=201, table_size=8)


def test_a_weekly_series_longer_than_the_group_is_planned() -> None:
    # 12 people lunching in threes every week for 20 weeks: more rounds than anyone
    # has colleagues, so repeats are unavoidable and the planner spreads them out.
    ids = [f"p{i:02d}" for i in range(12)]
    plan = nm.plan_rotation(ids, rounds=20, table_size=3, seed=0, max_iterations=2000)
    assert len(plan.rounds) == 20
    counts: dict[tuple[str, str], int] = {}
    for rnd in plan.rounds:
        for table in rnd:
            for i, a in enumerate(table):
                for b in table[i + 1 :]:
                    key = (min(a, b), max(a, b))
                    counts[key] = counts.get(key, 0) + 1
    assert len(counts) == 66  # everyone has met everyone
    assert max(counts.values()) - min(counts.values()) <= 2  # spread evenly


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_huge_rounds_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = write(tmp_path, "m.csv", "id,name\n" + "".join(f"m{i},P{i}\n" for i in range(12)))
    attendance = write(tmp_path, "att.csv", "m1,1\n")
    for extra in ([], ["--attendance", attendance]):
        args = ["rotate", members, "--rounds", "1000000000", "--table-size", "4", "-q", *extra]
        assert cli.main(args) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert err.strip().splitlines()[-1].startswith("netmatch: error: ")
        assert "--rounds" in err
        assert "at most 1000 for 12 participants" in err


# -- numbering from 1 on the command line ----------------------------------------------


def test_library_messages_are_numbered_from_1_on_the_command_line() -> None:
    assert cli.numbered_from_1("round 0 has 1 attending participants for 2 tables") == (
        "round 1 has 1 attending participants for 2 tables"
    )
    assert cli.numbered_from_1("hosts 'a' and 'b' keep the same table 0 (round 3)") == (
        "hosts 'a' and 'b' keep the same table 1 (round 4)"
    )
    assert cli.numbered_from_1("8 people at 2 tables, table_sizes [4, 4]") == (
        "8 people at 2 tables, table_sizes [4, 4]"
    )
    # An id is quoted and stays as typed, even when it reads like a table.
    assert cli.numbered_from_1("hosts 'table 1' and 'b' keep the same table 0") == (
        "hosts 'table 1' and 'b' keep the same table 1"
    )


# -- fuzzing the command line's arguments ------------------------------------------------------

_WORDS = ["--rounds", "--tables", "--table-size", "--seed", "--time-limit", "--format", "--member",
          "-k", "--per-member", "--capacity", "--lang", "-q", "md", "json", "csv", "fr", "m1",
          "m9", "0", "1", "2", "-1", "1e309", "nan", "inf", "99999999999999999999", "", "\x1b[2J",
          "\u202e", "\udcff"]  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    command=st.sampled_from(["rotate", "introduce", "inspect"]),
    words=st.lists(st.sampled_from(_WORDS), max_size=8),
)
def test_any_arguments_end_in_exit_0_1_or_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, words: list[str]
) -> None:
    members = tmp_path / "m.csv"
    members.write_text("id,name,skills,needs\nm1,Ana\x1b[2J,droit,un comptable\n"
                       "m2,Bo,comptabilité,un avocat\nm3,Cy,x,y\nm4,Di,z,w\n",
                       encoding="utf-8")  # fmt: skip
    extra = ["--time-limit", "0.2"] if command == "rotate" else []
    code = cli.main([command, str(members), *words, *extra])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in err
    assert "\x1b" not in out + err


def test_a_mistyped_slot_count_is_refused_not_a_memory_error() -> None:
    with pytest.raises(nm.InvalidInputError, match="at most 10,080"):
        nm.schedule_meetings([("a", "b")], slots=10**9, tables=1)
    with pytest.raises(nm.InvalidInputError, match="at most 10,080"):
        nm.schedule_meetings([("a", "b")], slots=["9:00"] * 20_000, tables=1)
    assert nm.schedule_meetings([("a", "b")], slots=10_080, tables=1).stats().scheduled == 1
