"""Versioned prompt data files (system prompt, user-prompt format)."""
