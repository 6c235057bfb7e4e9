"""The local caption feed: a page for OBS's Browser Source, tested in a real headless
Chromium, and an event stream for other tools; loopback only, no files, 4xx for the rest."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from websockets.sync.client import connect

from livescribe_gui.integration.caption_feed import CaptionFeed, FeedError, caption_page
from livescribe_gui.settings import Settings
from tests.test_transcript_model import turn

PAGE = caption_page(lines=2, size=30, color="#ffffff", background="rgba(0,0,0,0.7)",
                    outline=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def feed():
    running = CaptionFeed(free_port(), PAGE)
    yield running
    running.close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback)
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, ""


def test_only_the_page_and_the_events_are_served_on_loopback(feed):
    assert feed.url.startswith("http://127.0.0.1:")
    status, body = get(feed.url)
    assert status == 200 and "EventSource" in body
    for path in ("favicon.ico", "../../etc/passwd", "%2e%2e/settings.json", "events/x"):
        assert get(feed.url + path)[0] == 404, path
    request = urllib.request.Request(feed.url, data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 (loopback)
    assert refused.value.code == 405
    refused.value.close()
    with socket.create_connection(("127.0.0.1", feed.port), timeout=10) as raw:
        raw.sendall(b"NONSENSE\r\n\r\n")
        answer = raw.recv(200)
        assert b"400" in answer, "a bad request gets a 4xx answer"
    assert get(feed.url)[0] == 200, "still serving after a bad request"


def test_a_port_in_use_is_explained():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(FeedError, match="cannot use port"):
            CaptionFeed(taken.getsockname()[1], PAGE)


def test_the_event_stream_carries_partials_and_finals(feed):
    answer = urllib.request.urlopen(feed.url + "events", timeout=10)  # noqa: S310
    try:
        # Published the moment the stream answered: nothing may be missed.
        feed.publish({"type": "partial", "text": "hello", "start_ms": 0})
        feed.publish({"type": "final", "index": 0, "text": "Hello there.", "start_ms": 0,
                      "speaker": None, "translation": None})
        events = []
        while len(events) < 2:
            line = answer.readline().decode().strip()
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
    finally:
        answer.close()
    assert [e["type"] for e in events] == ["partial", "final"]
    assert events[1]["text"] == "Hello there."


@pytest.mark.skipif(shutil.which("chromium") is None, reason="the README test setup installs it")
def test_the_page_in_a_real_browser_shows_a_final_within_200_ms(qtbot, make_window, tmp_path):
    port = free_port()
    win = make_window(settings=Settings(caption_feed=True, caption_feed_port=port))
    debug = free_port()
    browser = subprocess.Popen(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'chromium'}",
         f"--remote-debugging-port={debug}", f"http://127.0.0.1:{port}/"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = None
        while page is None:  # bounded by pytest-timeout
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{debug}/json",  # noqa: S310
                                            timeout=2) as answer:
                    page = next((t for t in json.load(answer) if t.get("type") == "page"
                                 and str(port) in t.get("url", "")), None)
            except OSError:
                time.sleep(0.1)
        with connect(page["webSocketDebuggerUrl"], max_size=None) as cdp:
            asked = iter(range(1, 10**9))

            def evaluate(expression: str):  # noqa: ANN202
                number = next(asked)
                cdp.send(json.dumps({"id": number, "method": "Runtime.evaluate", "params": {
                    "expression": expression, "returnByValue": True}}))
                while True:
                    reply = json.loads(cdp.recv())
                    if reply.get("id") == number:
                        return reply["result"]["result"].get("value", "")

            def shown() -> str:
                return evaluate("document.getElementById('captions').innerText")

            def text_left_edges() -> list[float]:
                """Where each shown line's text begins, as a share of the page's width."""
                return evaluate("""[...document.querySelectorAll('#captions p')].map(p => {
                    const r = document.createRange(); r.selectNodeContents(p);
                    return r.getBoundingClientRect().left / window.innerWidth; })""")

            def receive(update, text: str) -> float:  # noqa: ANN001
                """The app receives `update`; seconds until the page shows `text`."""
                start = time.monotonic()
                win._on_turn(update)
                while text not in shown():
                    qtbot.wait(5)
                return time.monotonic() - start

            while not _listening(win):
                qtbot.wait(20)  # until the page has opened its event stream
            receive(turn(0, "hello from the"), "hello from the")
            receive(turn(0, "hello from the live feed"), "hello from the live feed")
            took = receive(turn(0, "Hello from the live feed.", end=True, formatted=True),
                           "Hello from the live feed.")
            assert took < 0.2, f"the final turn took {took * 1000:.0f} ms to show"
            assert shown().count("Hello from the live feed") == 1
            receive(turn(1, "نبدأ الساعة 10.", end=True, formatted=True), "نبدأ الساعة 10.")
            english, arabic = text_left_edges()[-2:]
            assert english < 0.1 and arabic > 0.5, "Arabic is set from the right"
    finally:
        browser.terminate()
        browser.wait(20)


def _listening(win) -> bool:  # noqa: ANN001
    return bool(win.caption_feed and win.caption_feed._server._listeners)
