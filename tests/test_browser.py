"""The printable page in a real browser: headless Chromium renders it, prints it on A4.

Skipped when Debian's ``chromium`` is not installed (``.ci/run`` installs it). The
screenshot and the PDF are kept in ``test-artifacts/`` for a human to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

import netmatch as nm

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

# Would change the title if the browser ran them: the check that escaping holds.
HOSTILE_NAME = "<script>document.title='pwned'</script>"
HOSTILE_ORG = "\"><img src=x onerror=\"document.title='pwned'\">"


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: set[str] = set()
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._in_title:
            self.title += data


def rendered(tmp_path: Path, page: Path) -> tuple[str, Text]:
    """The page's DOM once Chromium has loaded it (scripts included), as HTML and parsed."""
    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = Text()
    dom.feed(result.stdout)
    return result.stdout, dom


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> tuple[nm.Network, Path]:
    net = nm.datasets.load_demo()
    net.add_member(
        nm.Member(
            "hostile",
            HOSTILE_NAME,
            organisation=HOSTILE_ORG,
            website="javascript:document.title='pwned'",
            needs=["<b>un contact</b>"],
        )
    )
    with warnings.catch_warnings():
        # The page is under test, not the plan: a repeat left by the short search is fine.
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(net, rounds=4, table_size=8, seed=1, time_limit=1.0)
    intros = nm.suggest_introductions(net, per_member=2, seed=1)
    page = tmp_path_factory.mktemp("page") / "event.html"
    page.write_text(nm.render_event_html(plan, net, introductions=intros), encoding="utf-8")
    return net, page


def test_chromium_shows_every_participant_and_runs_nothing(
    event: tuple[nm.Network, Path], tmp_path: Path
) -> None:
    net, page = event
    _, dom = rendered(tmp_path, page)
    text = " ".join(" ".join(dom.parts).split())
    missing = [m.name for m in net.members if " ".join(m.name.split()) not in text]
    assert missing == []
    assert "Je cherche" in text
    assert "Tour 4" in text
    assert "pwned" not in dom.title
    assert "script" not in dom.tags
    assert "img" not in dom.tags


def test_screenshot_and_a4_print(event: tuple[nm.Network, Path], tmp_path: Path) -> None:
    _, page = event
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "event-page.png"
    result = chromium(tmp_path, "--window-size=1000,3000", f"--screenshot={shot}", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = ARTIFACTS / "event-page.pdf"
    result = chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    # Cover, four rounds, itineraries, badges and introductions each start a page.
    assert pages >= 8
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes
    width, height = (float(x) for x in boxes[0])
    assert abs(width - 595.3) < 2
    assert abs(height - 841.9) < 2


# -- the 1:1 meetings pack: agenda cards and the animator's grid ---------------------------------


@pytest.fixture(scope="module")
def meetings(
    event: tuple[nm.Network, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[nm.MeetingSchedule, Path]:
    net, _ = event
    intros = nm.suggest_introductions(net, per_member=2, seed=1)
    requests = [*intros, ("hostile", intros[0].a)]
    schedule = nm.schedule_meetings(
        requests, slots=8, start="10:00", duration=15, tables=30, cap=5, network=net, seed=1
    )
    page = tmp_path_factory.mktemp("meetings") / "meetings.html"
    page.write_text(nm.render_event_html(None, net, schedule=schedule), encoding="utf-8")
    return schedule, page


def test_chromium_shows_every_agenda_and_the_grid(
    event: tuple[nm.Network, Path], meetings: tuple[nm.MeetingSchedule, Path], tmp_path: Path
) -> None:
    net, _ = event
    schedule, page = meetings
    html, dom = rendered(tmp_path, page)
    text = " ".join(" ".join(dom.parts).split())
    names = {" ".join(net.member(p).name.split()) for p in schedule.people}
    assert [name for name in names if name not in text] == []
    assert "Grille des rendez-vous" in text
    assert "11:45–12:00" in text
    assert html.count('class="card agenda"') == len(schedule.people)
    assert "pwned" not in dom.title
    assert "script" not in dom.tags
    assert "img" not in dom.tags


def test_meetings_pack_prints_on_a4_with_a_landscape_grid(
    meetings: tuple[nm.MeetingSchedule, Path], tmp_path: Path
) -> None:
    _, page = meetings
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "meetings-page.pdf"
    result = chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    sizes = [(round(float(w)), round(float(h))) for w, h in boxes]
    # The cover and the agenda cards in portrait, the grid in landscape.
    assert sizes.count((595, 842)) >= 3
    assert (842, 595) in sizes
