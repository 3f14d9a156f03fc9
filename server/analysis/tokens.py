"""The tolerant T-SQL tokenizer, re-exported from the SQL text layer for the editor features.

It lives in :mod:`vgpt2.catalog.sql.tokens`, shared with the DDL importer; new code
imports it from there.
"""

from vgpt2.catalog.sql.tokens import Kind, Token, iter_tokens, tokenize

__all__ = ["Kind", "Token", "iter_tokens", "tokenize"]
