"""A local stand-in for AssemblyAI's LLM Gateway: `GET /v1/models` and
`POST /v1/chat/completions`, plain or streamed (server-sent events, as the gateway streams
OpenAI-routed models), on a real HTTP socket on 127.0.0.1, for the real SDK client.

Its notes are made from the transcript it is sent, so a test can tell they came from the
session. `behaviours` says how the next requests are answered (then "ok"): "ok", "slow",
"429", "500", "malformed", "cut" (the stream ends before the model is done), and
`refuse_over` refuses (400, context length) any request carrying more characters than that.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODELS = [("gpt-5-mini", "GPT-5 mini", 400_000), ("claude-sonnet-4-5-20250929",
                                                   "Claude Sonnet 4.5", 200_000),
          ("tiny-model", "A small model", 4_000)]


def notes_from(messages: list[dict]) -> str:
    """Deterministic notes that quote the transcript they were asked about."""
    asked = messages[-1]["content"]
    said = re.findall(r"^\[\d[\d:]*\] (.*)$", asked, flags=re.MULTILINE)
    if asked.startswith("Bring this running summary"):
        return "\n".join(f"- {line}" for line in said[-3:])
    if "Notes of part" in asked:
        parts = asked.count("Notes of part")
        return (f"## Summary\nMerged from {parts} parts.\n\n## Decisions\nNone.\n\n"
                "## Action items\nNone.\n\n## Open questions\nNone.")
    first = said[0] if said else ""
    return (f"## Summary\n{len(said)} turns, starting with: {first}\n\n## Decisions\n"
            f"- Agreed on {said[-1] if said else 'nothing'}\n\n## Action items\n"
            "- Sam sends the minutes by Friday\n\n## Open questions\nNone.")


class GatewayStandIn:
    def __init__(self, api_key: str):
        self.api_key = api_key
        self.behaviours: list[str] = []
        self.refuse_over = 0
        self.slow_seconds = 0.3
        self.requests: list[dict] = []  # path, body, authorization, at (monotonic)
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = False
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="gateway-standin", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> GatewayStandIn:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()  # joins the request threads
        self._thread.join(10)

    def completions(self) -> list[dict]:
        with self._lock:
            return [r for r in self.requests if r["path"] == "/v1/chat/completions"]

    def _next_behaviour(self) -> str:
        with self._lock:
            return self.behaviours.pop(0) if self.behaviours else "ok"

    def _record(self, path: str, body: dict | None, authorization: str) -> None:
        with self._lock:
            self.requests.append({"path": path, "body": body, "authorization": authorization,
                                  "at": time.monotonic()})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                standin._record(self.path, None, self.headers.get("Authorization", ""))
                if self.path != "/v1/models":
                    return self._json(404, {"message": "Not found"})
                return self._json(200, {"data": [_model(*m) for m in MODELS]})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                standin._record(self.path, body, self.headers.get("Authorization", ""))
                if self.headers.get("Authorization") != standin.api_key:
                    return self._json(401, {"error": "Unauthorized", "status": 401})
                behaviour = standin._next_behaviour()
                size = sum(len(m.get("content") or "") for m in body.get("messages", []))
                if standin.refuse_over and size > standin.refuse_over:
                    return self._json(400, {"message": "This model's maximum context length "
                                                       "is exceeded.", "code": 400})
                if behaviour == "429":
                    return self._json(429, {"message": "Too many requests", "code": 429})
                if behaviour == "500":
                    return self._json(500, {"message": "Internal error", "code": 500})
                if body.get("model") not in {m[0] for m in MODELS}:
                    return self._json(404, {"message": f"Model {body.get('model')} not found"})
                text = notes_from(body["messages"])
                if body.get("stream"):
                    return self._stream(body["model"], text, behaviour)
                if behaviour == "malformed":
                    return self._raw(200, b'{"choices": [', "application/json")
                if behaviour == "slow":
                    time.sleep(standin.slow_seconds * 10)
                return self._json(200, {
                    "request_id": "req-1",
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": text}}],
                    "usage": {"prompt_tokens": size // 4, "completion_tokens": len(text) // 4,
                              "total_tokens": (size + len(text)) // 4}})

            def _stream(self, model: str, text: str, behaviour: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                pieces = [text[i:i + 12] for i in range(0, len(text), 12)]
                if behaviour == "cut":
                    pieces = pieces[:len(pieces) // 2]
                for piece in pieces:
                    if behaviour == "malformed":
                        self.wfile.write(b"data: {not json\n\n")
                        break
                    self._event(_chunk(model, {"content": piece}, None))
                    if behaviour == "slow":
                        time.sleep(standin.slow_seconds)
                if behaviour not in ("cut", "malformed"):
                    self._event(_chunk(model, {}, "stop"))
                    self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _event(self, payload: dict) -> None:
                self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
                self.wfile.flush()

            def _json(self, status: int, payload: dict) -> None:
                self._raw(status, json.dumps(payload).encode(), "application/json")

            def _raw(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """A client that gave up (a timeout test) is expected, not a stand-in failure."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _chunk(model: str, delta: dict, finish: str | None) -> dict:
    return {"id": "chunk-1", "object": "chat.completion.chunk", "created": 0, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _model(model_id: str, name: str, context: int) -> dict:
    return {"id": model_id, "name": name, "description": name,
            "default_parameters": {}, "supported_parameters": None,
            "top_provider": {"is_moderated": False, "context_length": context,
                             "max_completion_tokens": 8192},
            "context_length": context, "pricing": {"global": {"completions": 1.0,
                                                              "prompt": 1.0}},
            "creator": "test", "retirement_date": 0,
            "default_provider": {"id": "test", "name": "Test"}}
