"""The streaming session: a worker on a QThread that owns the audio stream and the SDK client."""
