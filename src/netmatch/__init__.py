"""netmatch: who should meet whom in a member network.

Introductions between members whose needs and skills fit, and speed-meeting
rotations where everyone meets as many new people as possible.

Examples
--------
>>> import netmatch as nm
>>> net = nm.Network([nm.Member("m1", "Claire", skills=["comptabilité"])])
>>> len(net)
1
"""

from __future__ import annotations

from . import datasets, plot
from .analysis import (
    Broker,
    Brokers,
    Communities,
    SkillCoverage,
    UnmetNeed,
    UnmetNeeds,
    brokers,
    communities,
    isolated_members,
    skill_coverage,
    to_dataframe,
    unmet_needs,
)
from .errors import (
    InfeasibleError,
    InvalidInputError,
    NetmatchError,
    NetmatchWarning,
    RepeatsRemainWarning,
    UnknownMemberError,
)
from .introductions import (
    SERVED_THRESHOLD,
    Introduction,
    IntroductionMatcher,
    Reason,
    Weights,
    introduction_stats,
    need_match_matrix,
    suggest_introductions,
)
from .io import (
    IOLimits,
    read_acquaintances_csv,
    read_csv,
    read_json,
    write_csv,
    write_introductions_csv,
    write_json,
    write_plan_csv,
    write_records_csv,
)
from .model import Member
from .network import Meeting, Network, from_networkx, to_networkx
from .report import render_event_html
from .rotation import RotationPlan, RotationProgress, RotationStats, plan_rotation
from .text import TextMatcher, Thesaurus

__version__ = "0.1.0"

__all__ = [  # noqa: RUF022 (plain sorted(), which tests/test_api.py checks)
    "Broker",
    "Brokers",
    "Communities",
    "IOLimits",
    "InfeasibleError",
    "Introduction",
    "IntroductionMatcher",
    "InvalidInputError",
    "Meeting",
    "Member",
    "NetmatchError",
    "NetmatchWarning",
    "Network",
    "Reason",
    "RepeatsRemainWarning",
    "RotationPlan",
    "RotationProgress",
    "RotationStats",
    "SERVED_THRESHOLD",
    "SkillCoverage",
    "TextMatcher",
    "Thesaurus",
    "UnknownMemberError",
    "UnmetNeed",
    "UnmetNeeds",
    "Weights",
    "__version__",
    "brokers",
    "communities",
    "datasets",
    "from_networkx",
    "introduction_stats",
    "isolated_members",
    "need_match_matrix",
    "plan_rotation",
    "plot",
    "read_acquaintances_csv",
    "read_csv",
    "read_json",
    "render_event_html",
    "skill_coverage",
    "suggest_introductions",
    "to_dataframe",
    "to_networkx",
    "unmet_needs",
    "write_csv",
    "write_introductions_csv",
    "write_json",
    "write_plan_csv",
    "write_records_csv",
]
