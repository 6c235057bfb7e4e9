"""The transcript: merging Turn messages into final turns, and rendering it as text."""
