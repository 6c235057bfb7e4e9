"""Turns the SDK's errors into a kind and a sentence that tells a person what to do."""

from __future__ import annotations

from livescribe_gui.streaming.events import FailureKind, StreamFailure

_AUTH_CODES = {1008, 401, 403, 4001, 4002}
_TOO_MANY_CODES = {3009, 429, 4102}


def classify(error: Exception, *, host: str) -> StreamFailure:
    code = getattr(error, "code", None)
    detail = str(error).strip() or "no details"
    if code in _AUTH_CODES:
        return StreamFailure(
            FailureKind.AUTH,
            "AssemblyAI did not accept the API key (or the account has no balance left). "
            "Open Settings to check the key, or check your account.",
            code,
        )
    if code in _TOO_MANY_CODES:
        return StreamFailure(
            FailureKind.TOO_MANY_SESSIONS,
            "Too many sessions are open on this AssemblyAI account. "
            "Close other sessions or wait a minute, then press Start again.",
            code,
        )
    if code is None:
        return StreamFailure(
            FailureKind.UNREACHABLE,
            f"Cannot reach the transcription service at {host}. "
            "Check the internet connection and press Start to try again.",
        )
    return StreamFailure(
        FailureKind.SERVER,
        f"The transcription service ended the session: {detail} (code {code}). "
        "Press Start to begin a new one.",
        code,
    )
