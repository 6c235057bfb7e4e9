"""Every window fits a 1366×768 screen at 100 % and a 1600×1000 screen at 200 %, on a real
X server: its smallest size, and the size it opens at; the captions window comes back where
it was left at either scale."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.xserver import xvfb


@pytest.mark.parametrize(("screen", "scale"), [("1366x768", "1"), ("1600x1000", "2")])
def test_every_window_fits_the_screen(screen, scale, tmp_path):
    with xvfb(screen) as display:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR=scale,
                   LIVESCRIBE_CONFIG_DIR=str(tmp_path / "config"),
                   LIVESCRIBE_DATA_DIR=str(tmp_path / "data"))
        result = subprocess.run([sys.executable, "-m", "tests.window_fit"], env=env,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    width, height = measured["screen"]
    assert [width, height] == [int(n) for n in screen.split("x")]
    too_big = {name: size for name, size in measured["windows"].items()
               if size["least"][0] > width or size["least"][1] > height
               or size["shown"][0] > width or size["shown"][1] > height}
    assert not too_big, f"larger than the {screen} screen at {scale}×: {too_big}"
    assert measured["captions_left"][:3] == [120, 300, 500]
    assert measured["captions_restored"] == measured["captions_left"], "back where left"
