"""Audio input: device listing, capture, and conversion to the session's PCM format."""
