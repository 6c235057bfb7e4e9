"""What the service is sent: 16 kHz mono int16, in 50 ms chunks (the size it asks for)."""

SESSION_RATE = 16_000
CHUNK_MS = 50
CHUNK_SAMPLES = SESSION_RATE * CHUNK_MS // 1000
CHUNK_BYTES = CHUNK_SAMPLES * 2
