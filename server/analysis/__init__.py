"""Catalog-aware T-SQL analysis: findings with exact positions and fixes. Pure engine."""

from vgpt2.server.analysis.analyzer import RuleSettings, analyze
from vgpt2.server.analysis.findings import Edit, Finding, Fix, LineIndex, Severity
from vgpt2.server.analysis.rules import RULES, Rule

__all__ = ["RULES", "Edit", "Finding", "Fix", "LineIndex", "Rule", "RuleSettings", "Severity",
           "analyze"]
