"""AssemblyAI's LLM Gateway through the SDK: the model list and one chat completion, streamed
where the gateway streams (OpenAI-routed models), with every failure turned into one calm
sentence. The API key goes into the SDK's client and nowhere else, messages included.

The SDK is imported when a gateway is first made (always off the GUI thread), not with this
module: the notes panel that imports it is built at start-up, which should not pay for it."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

GATEWAY_URL_ENV = "LIVESCRIBE_LLM_GATEWAY_URL"
DEFAULT_CONTEXT_TOKENS = 32_000  # assumed for a model the gateway has not described
TIMEOUT_SECONDS = 60.0
_STREAMING_PREFIXES = ("gpt-", "o1", "o3", "o4")


class NotesError(Exception):
    """A request to the gateway failed; the message is for people."""


class TooLong(NotesError):
    """The model refused the request because the text is longer than it takes."""


class Stopped(NotesError):
    """The request was given up on purpose (the window closed, Stop was pressed)."""


@dataclass(frozen=True)
class ModelInfo:
    id: str
    name: str
    context_tokens: int


def gateway_url() -> str:
    """Where requests go; `LIVESCRIBE_LLM_GATEWAY_URL` wins over the SDK's default."""
    from assemblyai import Settings

    return (os.environ.get(GATEWAY_URL_ENV) or Settings().llm_gateway_base_url).rstrip("/")


def streams(model: str) -> bool:
    """The gateway streams OpenAI-routed models only; others answer in one piece."""
    return model.startswith(_STREAMING_PREFIXES)


class Gateway:
    def __init__(self, api_key: str, *, timeout: float = TIMEOUT_SECONDS):
        from assemblyai import Client, Settings
        from assemblyai.llm_gateway.v1 import LLMGateway

        self._key = api_key
        settings = Settings(api_key=api_key, llm_gateway_base_url=gateway_url(),
                            llm_gateway_http_timeout=timeout)
        self._client = Client(settings=settings)
        self._gateway = LLMGateway(client=self._client)

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._client.http_client.close()

    def models(self) -> list[ModelInfo]:
        try:
            listed = self._gateway.models.list()
        except Exception as exc:  # noqa: BLE001 (every failure becomes a sentence)
            raise self._calm(exc, "") from None
        return [ModelInfo(m.id, m.name or m.id, m.context_length) for m in listed.data]

    def complete(self, model: str, messages: list[dict], *, zero_data_retention: bool,
                 on_text: Callable[[str], None] | None = None,
                 stop: threading.Event | None = None) -> str:
        """The model's answer. Streamed text is handed to `on_text` piece by piece as it
        arrives; a stream that ends before the model said it was done is an error."""
        try:
            if not streams(model):
                answer = self._gateway.chat.completions.create(
                    model=model, messages=messages, zero_data_retention=zero_data_retention)
                choice = answer.choices[0]
                self._check_finish(choice.finish_reason)
                text = choice.message.content or ""
                if on_text is not None:
                    on_text(text)
                return text
            return self._streamed(model, messages, zero_data_retention, on_text, stop)
        except NotesError:
            raise
        except Exception as exc:  # noqa: BLE001 (every failure becomes a sentence)
            raise self._calm(exc, model) from None

    def _streamed(self, model: str, messages: list[dict], zero_data_retention: bool,
                  on_text: Callable[[str], None] | None, stop: threading.Event | None) -> str:
        chunks = self._gateway.chat.completions.create(
            model=model, messages=messages, stream=True,
            zero_data_retention=zero_data_retention)
        pieces: list[str] = []
        finish = None
        try:
            for chunk in chunks:
                if stop is not None and stop.is_set():
                    raise Stopped("Stopped.")
                for choice in chunk.choices:
                    if choice.delta.content:
                        pieces.append(choice.delta.content)
                        if on_text is not None:
                            on_text(choice.delta.content)
                    finish = choice.finish_reason or finish
        finally:
            chunks.close()  # type: ignore[attr-defined]  (a generator: closes the response)
        if finish is None:
            raise NotesError("The answer from the LLM Gateway stopped before it was finished.")
        self._check_finish(finish)
        return "".join(pieces)

    @staticmethod
    def _check_finish(reason: str | None) -> None:
        if reason in ("content_filter", "refusal"):
            raise NotesError("The model declined to write notes for this transcript.")
        if reason == "length":
            raise TooLong("The notes were longer than the model may write.")

    def _calm(self, exc: Exception, model: str) -> NotesError:
        """One sentence saying what happened and what to do; never the key."""
        import httpx
        from assemblyai.llm_gateway.v1 import LLMGatewayError

        if isinstance(exc, LLMGatewayError):
            status = exc.status_code or 0
            detail = str(exc).replace(self._key, "…") if self._key else str(exc)
            lowered = detail.lower()
            if status in (401, 403):
                return NotesError("The LLM Gateway did not accept the API key. "
                                  "Check it in Settings.")
            if status == 429:
                return NotesError("The LLM Gateway is busy (too many requests). "
                                  "Try again in a minute.")
            if status == 404 or (status == 400 and "model" in lowered
                                 and ("not found" in lowered or "not available" in lowered
                                      or "unsupported" in lowered)):
                return NotesError(f"The model “{model}” is not available: choose another one "
                                  "in Settings → Notes.")
            if status in (400, 413) and any(w in lowered for w in ("context", "too long",
                                                                   "too many tokens")):
                return TooLong(f"The model refused the text as too long: {detail}")
            if 400 <= status < 500:
                return NotesError(f"The LLM Gateway refused the request: {detail}")
            return NotesError(f"The LLM Gateway had a problem (error {status}). "
                              "Try again in a moment.")
        if isinstance(exc, httpx.TimeoutException):
            return NotesError("The LLM Gateway did not answer in time. Try again in a moment.")
        if isinstance(exc, httpx.TransportError):
            return NotesError("Cannot reach the LLM Gateway. Check the internet connection.")
        if isinstance(exc, (ValueError, KeyError, IndexError, TypeError)):  # a bad body
            return NotesError("The LLM Gateway sent an answer LiveScribe could not read.")
        return NotesError(f"Notes could not be written ({type(exc).__name__}).")
