"""1:1 meetings at an event: requested pairs placed in time slots and at tables.

:func:`schedule_meetings` turns introductions (or any requested pairs) into a
:class:`MeetingSchedule`; :func:`read_feedback` reads what members said afterwards,
and :meth:`netmatch.Network.record_schedule` / :meth:`netmatch.Network.record_outcome`
keep both in the network's history for the next event.
"""

from __future__ import annotations

from ._feedback import read_feedback
from ._records import (
    AgendaEntry,
    MeetingSchedule,
    MeetingStats,
    ScheduledMeeting,
    UnscheduledRequest,
)
from ._schedule import schedule_meetings

__all__ = [
    "AgendaEntry",
    "MeetingSchedule",
    "MeetingStats",
    "ScheduledMeeting",
    "UnscheduledRequest",
    "read_feedback",
    "schedule_meetings",
]
