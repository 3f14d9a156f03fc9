"""Model backends behind one small Protocol (:mod:`.base`): Ollama, OpenAI-compatible servers."""
