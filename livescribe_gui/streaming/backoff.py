"""How long to wait before the next connection attempt: exponential, capped, with jitter
(so many clients that lost the same server do not all come back at once)."""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, *, base: float = 1.0, cap: float = 30.0,
                 rng: random.Random | None = None):
        self._base = base
        self._cap = cap
        self._rng = rng or random.Random()
        self.attempt = 0

    def next_delay(self, *, minimum: float = 0.0) -> float:
        self.attempt += 1
        ceiling = min(self._cap, self._base * 2 ** (self.attempt - 1))
        return max(minimum, ceiling * self._rng.uniform(0.5, 1.0))

    def reset(self) -> None:
        self.attempt = 0
