"""The language server: thin LSP wiring over the analysis engines (pygls 2)."""
