"""Turns the SDK's errors into a kind, a retry decision and a sentence that says what to do."""

from __future__ import annotations

from livescribe_gui.streaming.events import FailureKind, StreamFailure

_AUTH_CODES = {1008, 401, 403, 4001, 4002}
_TOO_MANY_CODES = {3009, 429, 4102}
# Invalid requests: retrying the same thing cannot work.
_INVALID_CODES = {3006, 3007, 400, 404, 4000, 4100, 4101}
TOO_MANY_MIN_DELAY = 15.0


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
            "Too many sessions are open on this AssemblyAI account.",
            code, retry=True, min_delay=TOO_MANY_MIN_DELAY,
        )
    if code in _INVALID_CODES:
        return StreamFailure(
            FailureKind.INVALID,
            f"The transcription service refused the request: {detail} (code {code}). "
            "Check the speech model and options in Settings.",
            code,
        )
    if code is None:
        return StreamFailure(
            FailureKind.UNREACHABLE,
            f"Cannot reach the transcription service at {host}. "
            "Check the internet connection.",
            retry=True,
        )
    return StreamFailure(
        FailureKind.SERVER,
        f"The connection to the transcription service broke ({detail}, code {code}).",
        code, retry=True,
    )


def dropped(reason: str) -> StreamFailure:
    return StreamFailure(FailureKind.DROPPED, reason, retry=True)
