"""The stand-in server in its own process, so that it never competes with the app under
measurement for the interpreter lock. Both use CLOCK_MONOTONIC (`time.monotonic()` on
Linux), so their time stamps compare directly.

Prints `PORT <n>`; then reads commands on stdin: `dump <path>` writes what every session
received and sent (JSON at <path>, audio at <path>.<i>.pcm) and prints `DUMPED`; EOF quits.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tests.standin_server import StandInServer

KEY = "benchmark-key"


def script(turns: int, words: int) -> list[str]:
    """Distinct words, so every Turn message's text is unique."""
    return [" ".join(f"w{t}x{w}" for w in range(words)) for t in range(turns)]


def dump(server: StandInServer, path: Path) -> None:
    sessions = []
    for i, record in enumerate(server.sessions):
        audio = path.with_name(f"{path.name}.{i}.pcm")
        audio.write_bytes(bytes(record.audio))
        sessions.append({
            "sample_rate": record.sample_rate,
            "chunk_sizes": list(record.chunk_sizes),
            "chunk_arrivals": list(record.chunk_arrivals),
            "sent_at": list(record.sent_at),
            "sent": [{k: m.get(k) for k in ("type", "turn_order", "end_of_turn",
                                             "turn_is_formatted", "transcript")}
                     for m in record.sent],
            "terminate_received": record.terminate_received,
            "audio": str(audio),
        })
    path.write_text(json.dumps({"sessions": sessions}))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ms-per-word", type=int, default=200)
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--words", type=int, default=8)
    args = parser.parse_args()
    with StandInServer(api_key=KEY, script=script(args.turns, args.words),
                       ms_per_word=args.ms_per_word) as server:
        print(f"PORT {server.port}", flush=True)
        for line in sys.stdin:
            command, _, argument = line.strip().partition(" ")
            if command == "dump":
                dump(server, Path(argument))
                print("DUMPED", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
