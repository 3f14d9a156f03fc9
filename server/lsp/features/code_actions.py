"""``textDocument/codeAction``: quick fixes, rule actions, file-wide fixes, ``*`` expansion,
and the generation actions (resolved later, in :mod:`.generation`).

The findings of the published version are reused (the diagnostics' cache); the rule
modules' hooks decide the extra actions (VG001's catalog reload) and which rules
offer a file-wide fix (VG004's NOLOCK everywhere). Its edits point into the text, so
an answer an edit overtook is refused with ContentModified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import Finding, analyze
from vgpt2.server.analysis.fixing import choose_fixes
from vgpt2.server.analysis.rules import RULES
from vgpt2.server.lsp.convert import (
    command_action,
    edit_action,
    quick_fix,
    to_diagnostic,
    to_offset,
)
from vgpt2.server.lsp.documents import LineIndex
from vgpt2.server.lsp.registry import Feature

if TYPE_CHECKING:
    from vgpt2.server.lsp.server import VgptServer

OPTIONS = types.CodeActionOptions(code_action_kinds=[
    types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite,
    types.CodeActionKind.Source], resolve_provider=True)


async def code_action(ls: VgptServer,
                      params: types.CodeActionParams) -> list[types.CodeAction] | None:
    catalog = ls.holder.catalog
    document = ls.document(params.text_document.uri)
    if catalog is None or document is None:
        return None
    uri = document.uri
    cached = ls.diagnostics.cached(document)
    rules = ls.rule_settings()
    version = document.version

    def job(index: LineIndex) -> list[types.CodeAction]:
        findings = cached if cached is not None else analyze(index.text, catalog, rules)
        start = to_offset(index, params.range.start)
        end = to_offset(index, params.range.end)
        return code_actions(index, uri, catalog, findings, start, end) + \
            ls.generation.actions(ls, index, uri, version, findings, start, end,
                                  lambda f: to_diagnostic(index, uri, f))

    result: list[types.CodeAction] | None = await ls.on_snapshot(uri, job, edits=True)
    return result


def code_actions(index: LineIndex, uri: str, catalog: Catalog, findings: list[Finding],
                 start: int, end: int) -> list[types.CodeAction]:
    """Quick fixes for findings under the range, plus file-wide and refactoring actions."""
    from vgpt2.server.analysis.star import expand_star

    actions: list[types.CodeAction] = []
    for finding in findings:
        if finding.end < start or finding.start > end:
            continue
        diagnostic = to_diagnostic(index, uri, finding)
        preferred = len(finding.fixes) == 1
        actions += [quick_fix(index, uri, diagnostic, fix, fix.safe and preferred)
                    for fix in finding.fixes]
        actions += [command_action(action, diagnostic) for action in RULES[finding.code].actions]
    for rule in RULES.values():
        every = [f for f in findings if f.code == rule.code]
        if rule.fix_all and every:
            edits = [edit for fix in choose_fixes(every) for edit in fix.edits]
            actions.append(edit_action(index, uri, rule.fix_all.format(count=len(every)),
                                       types.CodeActionKind.Source, edits))
    star = expand_star(index.text, start, catalog)
    if star is not None:
        actions.append(edit_action(index, uri, "Expand * to the column list",
                                   types.CodeActionKind.RefactorRewrite, [star]))
    return actions


HANDLERS = (Feature(types.TEXT_DOCUMENT_CODE_ACTION, code_action, OPTIONS),)
