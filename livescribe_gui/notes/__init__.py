"""Meeting notes through AssemblyAI's LLM Gateway: a running summary while listening, and
after Stop a summary with decisions, action items and open questions."""

DEFAULT_NOTES_MODEL = "gpt-5-mini"  # OpenAI-routed, so the notes stream in as written
