"""A local caption feed for other programs: a caption page for OBS's Browser Source, and a
Server-Sent Events stream of what happens to the transcript.

It listens on 127.0.0.1 only (never reachable from another machine), serves exactly two
paths and no files, and runs on threads of its own; the GUI thread only drops an event in
each listener's queue. Bad requests get a 4xx answer.

Events (`GET /events`, `text/event-stream`, one JSON object per `data:` line):

    {"type": "partial", "text": "the growing turn", "start_ms": 5200}
    {"type": "final", "index": 3, "text": "A finished turn.", "start_ms": 5200,
     "speaker": "Dana" | null, "translation": "Un turno terminado." | null}

A `final` with an index already seen replaces that turn (a formatted copy, corrected speakers,
a translation arriving); an empty `partial` means the growing turn has gone.
"""

from __future__ import annotations

import html
import json
import logging
import queue
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LiveScribe captions</title>
<style>
html, body {{ margin: 0; background: transparent; overflow: hidden; }}
#captions {{ position: fixed; left: 0; right: 0; bottom: 0; padding: 12px 16px;
  font: 600 {size}px/1.25 sans-serif; color: {color}; background: {background};
  {outline} }}
#captions p {{ margin: 0; }}
#captions .live {{ opacity: 0.8; font-style: italic; }}
</style></head>
<body><div id="captions" aria-live="polite"></div>
<script>
const lines = {lines}, finals = [], box = document.getElementById("captions");
let live = "";
function show() {{
  const texts = finals.filter(t => t).slice(-lines);
  const rows = texts.map(t => ({{text: t, live: false}}));
  if (live) rows.push({{text: live, live: true}});
  box.replaceChildren(...rows.slice(-lines).map(r => {{
    const p = document.createElement("p");
    p.textContent = r.text;
    p.dir = "auto";  // Arabic or Hebrew: ordered and aligned from the right
    if (r.live) p.className = "live";
    return p;
  }}));
}}
const events = new EventSource("/events");
events.onmessage = (m) => {{
  const e = JSON.parse(m.data);
  if (e.type === "final") {{
    finals[e.index] = (e.speaker ? e.speaker + ": " : "") + e.text;
    live = "";
  }} else if (e.type === "partial") {{
    live = e.text;
  }}
  show();
}};
</script></body></html>
"""


class FeedError(Exception):
    """The feed could not start; the message is for people."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib's name)
        """Requests are not logged: the events carry what people said."""

    def do_GET(self) -> None:  # noqa: N802 (stdlib's name)
        if self.path == "/":
            body = self.server.page().encode()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/events":
            self._stream()
        else:
            self.send_error(HTTPStatus.NOT_FOUND, "Only / and /events are here")

    def _refuse(self) -> None:
        self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, "Only GET")

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse  # noqa: N815 (stdlib's names)

    def _stream(self) -> None:
        # Subscribed (with the backlog taken at the same moment) before the client sees the
        # answer, so nothing published after that is missed or sent twice.
        events, backlog = self.server.subscribe()
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            for event in backlog:
                self._send(event)
            while not self.server.closing.is_set():
                try:
                    event = events.get(timeout=HEARTBEAT_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                    continue
                if event is None:
                    return
                self._send(event)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.server.unsubscribe(events)

    def _send(self, event: dict) -> None:
        self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, page: str):
        super().__init__(("127.0.0.1", port), _Handler)
        self._page = page
        self._lock = threading.Lock()
        self._listeners: list[queue.SimpleQueue] = []
        self._finals: dict[int, dict] = {}
        self._partial: dict | None = None
        self.closing = threading.Event()

    def page(self) -> str:
        return self._page

    def subscribe(self) -> tuple[queue.SimpleQueue, list[dict]]:
        """A listener's queue, and what a page opened mid-session needs first (the last turns
        and the growing one), taken together."""
        events: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            self._listeners.append(events)
            recent = [self._finals[i] for i in sorted(self._finals)[-20:]]
            return events, recent + ([self._partial] if self._partial else [])

    def unsubscribe(self, events: queue.SimpleQueue) -> None:
        with self._lock:
            if events in self._listeners:
                self._listeners.remove(events)

    def publish(self, event: dict) -> None:
        with self._lock:
            if event["type"] == "final":
                self._finals[event["index"]] = event
                self._partial = None
            else:
                self._partial = event if event["text"] else None
            for events in self._listeners:
                events.put(event)

    def stop(self) -> None:
        self.closing.set()
        with self._lock:
            for events in self._listeners:
                events.put(None)
        self.shutdown()
        self.server_close()


def caption_page(*, lines: int, size: int, color: str, background: str,
                 outline: bool) -> str:
    stroke = ("text-shadow: -2px -2px 0 #000, 2px -2px 0 #000, -2px 2px 0 #000, "
              "2px 2px 0 #000;") if outline else ""
    return PAGE.format(lines=int(lines), size=int(size), color=html.escape(color),
                       background=html.escape(background), outline=stroke)


class CaptionFeed:
    """The running feed. `publish` is safe from the GUI thread: it never blocks on a reader."""

    def __init__(self, port: int, page: str):
        try:
            self._server = _Server(port, page)
        except OSError as exc:
            raise FeedError(f"The caption feed cannot use port {port} ({exc.strerror}); "
                            "choose another in Settings.") from None
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="caption-feed", daemon=True)
        self._thread.start()
        log.info("caption feed on http://127.0.0.1:%d/", self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def publish(self, event: dict) -> None:
        self._server.publish(event)

    def close(self) -> None:
        self._server.stop()
        self._thread.join(5)
