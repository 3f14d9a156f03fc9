"""The checks the analyzer runs on each statement's model, one per rule.

Each check lives in its rule's module under :mod:`vgpt2.server.analysis.rules`
(with the rule's metadata and documentation); this is the analyzer's view of them.
"""

from __future__ import annotations

from vgpt2.server.analysis.rules import CHECKS, Check

__all__ = ["CHECKS", "Check"]
