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

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    InfeasibleError,
    InvalidInputError,
    NetmatchError,
    NetmatchWarning,
    NoIntroductionWarning,
    RepeatsRemainWarning,
    UnknownMemberError,
)
from .io import (
    IOLimits,
    read_acquaintances_csv,
    read_csv,
    read_json,
    read_plan_csv,
    write_csv,
    write_introductions_csv,
    write_json,
    write_plan_csv,
    write_records_csv,
)
from .model import Member
from .network import Meeting, Network, Outcome, from_networkx, to_networkx

# The modules behind introductions, text matching, rotations, analysis and reports
# (scikit-learn, scipy) load on first use, so that ``import netmatch`` and the
# command's ``--help`` stay quick; ``from netmatch import *`` and attribute access
# work as if they had been imported here.
_LAZY = {
    "AgendaEntry": "meetings",
    "Broker": "analysis",
    "Brokers": "analysis",
    "Communities": "analysis",
    "Introduction": "introductions",
    "IntroductionMatcher": "introductions",
    "MeetingSchedule": "meetings",
    "MeetingStats": "meetings",
    "ReadReport": "io",
    "Reason": "introductions",
    "RotationPlan": "rotation",
    "RotationProgress": "rotation",
    "RotationStats": "rotation",
    "SERVED_THRESHOLD": "introductions",
    "ScheduledMeeting": "meetings",
    "SkillCoverage": "analysis",
    "TextMatcher": "text",
    "Thesaurus": "text",
    "UnmetNeed": "analysis",
    "UnmetNeeds": "analysis",
    "UnscheduledRequest": "meetings",
    "Weights": "introductions",
    "brokers": "analysis",
    "communities": "analysis",
    "introduction_stats": "introductions",
    "isolated_members": "analysis",
    "need_match_matrix": "introductions",
    "plan_rotation": "rotation",
    "read_excel": "io",
    "read_feedback": "meetings",
    "read_members": "io",
    "render_event_html": "report",
    "schedule_meetings": "meetings",
    "skill_coverage": "analysis",
    "suggest_introductions": "introductions",
    "to_dataframe": "analysis",
    "unmet_needs": "analysis",
}
_SUBMODULES = (
    "analysis",
    "datasets",
    "introductions",
    "meetings",
    "plot",
    "report",
    "rotation",
    "text",
)

if TYPE_CHECKING:  # pragma: no cover
    from . import datasets, meetings, plot
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
    from .io import ReadReport, read_excel, read_members
    from .meetings import (
        AgendaEntry,
        MeetingSchedule,
        MeetingStats,
        ScheduledMeeting,
        UnscheduledRequest,
        read_feedback,
        schedule_meetings,
    )
    from .report import render_event_html
    from .rotation import RotationPlan, RotationProgress, RotationStats, plan_rotation
    from .text import TextMatcher, Thesaurus


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__version__ = "0.1.0"

__all__ = [  # noqa: RUF022 (plain sorted(), which tests/test_api.py checks)
    "AgendaEntry",
    "Broker",
    "Brokers",
    "Communities",
    "IOLimits",
    "InfeasibleError",
    "Introduction",
    "IntroductionMatcher",
    "InvalidInputError",
    "Meeting",
    "MeetingSchedule",
    "MeetingStats",
    "Member",
    "NetmatchError",
    "NetmatchWarning",
    "Network",
    "NoIntroductionWarning",
    "Outcome",
    "ReadReport",
    "Reason",
    "RepeatsRemainWarning",
    "RotationPlan",
    "RotationProgress",
    "RotationStats",
    "SERVED_THRESHOLD",
    "ScheduledMeeting",
    "SkillCoverage",
    "TextMatcher",
    "Thesaurus",
    "UnknownMemberError",
    "UnmetNeed",
    "UnmetNeeds",
    "UnscheduledRequest",
    "Weights",
    "__version__",
    "brokers",
    "communities",
    "datasets",
    "from_networkx",
    "introduction_stats",
    "isolated_members",
    "meetings",
    "need_match_matrix",
    "plan_rotation",
    "plot",
    "read_acquaintances_csv",
    "read_csv",
    "read_excel",
    "read_feedback",
    "read_json",
    "read_members",
    "read_plan_csv",
    "render_event_html",
    "schedule_meetings",
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
