"""LiveScribe in the rest of the day: one instance that takes commands, the tray, starting at
login, and live text for other programs."""
