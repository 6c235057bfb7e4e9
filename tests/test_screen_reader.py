"""What a screen reader hears from the real app on a real AT-SPI bus (the one Orca listens
on): each final turn announced once and never a partial; a growing turn heard as its new
words, not its whole line again; the status heard when it changes, not its ticking clock;
no value chatter from the level meter."""

from __future__ import annotations

import re

import pytest

from tests.atspi_bus import screen_reader
from tests.standin_server import formatted
from tests.test_app_process import launch, run_until
from tests.xserver import xvfb

SCRIPT = ["first we review the budget for the spring", "then the travel plans",
          "and finally the captions project for the team"]
TIME_STAMP = re.compile(r"^\d\d:\d\d ")


@pytest.mark.script(*SCRIPT)
def test_a_screen_reader_hears_turns_once_and_no_chatter(tmp_path, standin):
    with screen_reader(tmp_path / "runtime") as reader, xvfb() as display:
        proc = launch(tmp_path, standin.url, "--start", "--device", "monitor of LIVESCRIBE",
                      env={**reader.env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"})
        # Every turn said, and the clock has ticked several times since listening began.
        run_until(proc, lambda: standin.wait_until(lambda: bool(standin.sessions) and sum(
            1 for m in standin.sessions[-1].sent if m.get("end_of_turn")) == len(SCRIPT)
            and standin.sessions[-1].audio_seconds > 5, timeout=60))
        assert proc.returncode == 0

    said = [a.value for a in reader.events("Announcement")]
    turns = [formatted(line) for line in SCRIPT]
    assert [s for s in said if s in turns] == turns, "each final turn announced once, in order"
    assert not [s for s in said if "—" in s or s.lower() in SCRIPT], "no partial announced"
    status = [s for s in said if s not in turns]
    listening = "Listening · Monitor of LiveScribe-Test"
    assert listening in status and "Stopping… waiting for the last words." in status, status
    while_listening = status[status.index(listening):status.index("Stopping… waiting for the "
                                                                   "last words.")]
    assert len(while_listening) <= 2 and not [s for s in while_listening if re.search(
        r"\d", s)], f"the status is heard when it changes, never its clock: {status}"
    assert len(set(status)) == len(status), f"nothing heard twice: {status}"

    names = [h.value for h in reader.events("PropertyChange", "accessible-name")]
    assert not [n for n in names if re.search(r"\d\d:\d\d", str(n))], "no ticking names"
    assert reader.events("PropertyChange", "accessible-value") == [], "the meter is quiet"

    inserted = [h.value for h in reader.events("TextChanged", "insert")]
    growing = [text for text in inserted if text.endswith("—")]
    assert growing, "the growing turn was heard"
    assert not [t for t in growing if TIME_STAMP.match(t)], (
        "a growing turn adds its new words, not its line and time stamp again")
    assert all(len(t) <= len(" the captions project—") for t in growing), growing
