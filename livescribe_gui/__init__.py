"""LiveScribe: live speech-to-text on the desktop."""

__version__ = "0.1.0"
