"""Every engine -> LSP conversion, through the document's one spec-following line index.

The engines (``server/analysis``) speak string offsets and plain dataclasses; the
handlers (``server/lsp/features``) speak LSP. This is the one place between them:
positions and ranges (counted in the negotiated encoding by :class:`LineIndex`, on
pygls's position codec), diagnostics, edits, code actions, completion items, inline
suggestions, hover, signature help, symbols and locations. No handler counts columns or
builds an LSP type from an engine result itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from vgpt2.server.analysis.findings import Edit, Finding, Fix, Severity
from vgpt2.server.analysis.rules import RULES, Action
from vgpt2.server.lsp.documents import LineIndex

if TYPE_CHECKING:  # the engines themselves load on first use (start-up time)
    from vgpt2.server.analysis.completion import Completion, CompletionList
    from vgpt2.server.analysis.hover import Hover
    from vgpt2.server.analysis.signature import Signature
    from vgpt2.server.analysis.symbols import Symbol
    from vgpt2.server.lsp.inline import Suggestion

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}
_COMPLETION_KIND = {
    "view": types.CompletionItemKind.Class,
    "table": types.CompletionItemKind.Struct,
    "function": types.CompletionItemKind.Function,
    "procedure": types.CompletionItemKind.Method,
    "column": types.CompletionItemKind.Field,
    "keyword": types.CompletionItemKind.Keyword,
    "snippet": types.CompletionItemKind.Snippet,
    "join": types.CompletionItemKind.Snippet,
}
_SYMBOL_KIND = {
    "batch": types.SymbolKind.Namespace,
    "statement": types.SymbolKind.Event,
    "procedure": types.SymbolKind.Function,
    "function": types.SymbolKind.Function,
    "view": types.SymbolKind.Class,
    "cte": types.SymbolKind.Struct,
    "temp_table": types.SymbolKind.Struct,
}
_PLACEHOLDER = re.compile(r"\$\{\d+:([^}]*)\}|\$\d+")


# -- positions ------------------------------------------------------------------------------


def to_range(index: LineIndex, start: int, end: int) -> types.Range:
    return index.range(start, end)


def to_offset(index: LineIndex, position: types.Position) -> int:
    """The string index of an LSP position; past the end of a line means its end."""
    return index.offset(position)


# -- diagnostics and edits ------------------------------------------------------------------


def to_diagnostic(index: LineIndex, uri: str, finding: Finding) -> types.Diagnostic:
    """A finding as the editor shows it; the rule's hooks label its related information."""
    rule = RULES[finding.code]
    related = None
    if finding.related:
        related = [types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=to_range(index, finding.start, finding.end)),
            message=rule.related_label + ", ".join(finding.related))]
    return types.Diagnostic(
        range=to_range(index, finding.start, finding.end),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=rule.docs_url),
        source="vgpt2",
        related_information=related,
        data={"name": rule.name},
    )


def workspace_edit(index: LineIndex, uri: str, edits: Iterable[Edit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: [
        types.TextEdit(range=to_range(index, e.start, e.end), new_text=e.new_text)
        for e in sorted(edits, key=lambda e: e.start)]})


def replace_edit(index: LineIndex, uri: str, start: int, end: int,
                text: str) -> types.WorkspaceEdit:
    """One replacement of ``start``-``end`` (an insert when they are equal)."""
    return types.WorkspaceEdit(changes={uri: [types.TextEdit(
        range=to_range(index, start, end), new_text=text)]})


# -- code actions ---------------------------------------------------------------------------


def quick_fix(index: LineIndex, uri: str, diagnostic: types.Diagnostic, fix: Fix,
              preferred: bool) -> types.CodeAction:
    return types.CodeAction(
        title=fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
        is_preferred=preferred, edit=workspace_edit(index, uri, fix.edits))


def command_action(action: Action, diagnostic: types.Diagnostic) -> types.CodeAction:
    """A rule's extra action (VG001's catalog reload): a command, not an edit."""
    return types.CodeAction(
        title=action.title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
        command=types.Command(title=action.command_title, command=action.command))


def deferred_action(title: str, kind: types.CodeActionKind, data: dict[str, Any], *,
                    llm: bool, diagnostic: types.Diagnostic | None = None) -> types.CodeAction:
    """A generation action: only ``data`` (positions, the version) travels; the edit is
    computed when the editor resolves it. ``llm``: tag it ``LLMGenerated`` (LSP 3.18)."""
    return types.CodeAction(
        title=title, kind=kind, tags=[types.CodeActionTag.LlmGenerated] if llm else None,
        diagnostics=[diagnostic] if diagnostic is not None else None, data=data)


def edit_action(index: LineIndex, uri: str, title: str, kind: types.CodeActionKind,
                edits: Iterable[Edit]) -> types.CodeAction:
    """A file-wide fix or a refactoring: a titled edit with no diagnostic."""
    return types.CodeAction(title=title, kind=kind, edit=workspace_edit(index, uri, edits))


# -- completion, hover, signature help, symbols, locations ----------------------------------


def completion_list(index: LineIndex, found: CompletionList,
                    snippets: bool) -> types.CompletionList:
    return types.CompletionList(
        is_incomplete=found.is_incomplete,
        items=[completion_item(index, item, snippets) for item in found.items])


def completion_item(index: LineIndex, item: Completion, snippets: bool) -> types.CompletionItem:
    """One item; a snippet becomes plain text for a client without snippet support."""
    documentation = (types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation)
                     if item.documentation else None)
    insert_text, is_snippet = item.insert_text, item.is_snippet
    if is_snippet and not snippets:
        insert_text, is_snippet = plain(insert_text), False
    return types.CompletionItem(
        label=item.label,
        kind=_COMPLETION_KIND.get(item.kind, types.CompletionItemKind.Text),
        detail=item.detail or None,
        documentation=documentation,
        sort_text=item.sort_text,
        filter_text=item.filter_text,
        insert_text_format=(types.InsertTextFormat.Snippet if is_snippet
                            else types.InsertTextFormat.PlainText),
        text_edit=types.TextEdit(range=to_range(index, item.replace_start, item.replace_end),
                                 new_text=insert_text))


def plain(snippet: str) -> str:
    """``APTH ${1:h} WITH (NOLOCK)`` -> ``APTH h WITH (NOLOCK)`` for clients without snippets."""
    return _PLACEHOLDER.sub(lambda m: m.group(1) or "", snippet).replace("\\$", "$")


def inline_list(index: LineIndex, offset: int,
                suggestions: Iterable[Suggestion]) -> types.InlineCompletionList:
    """Ghost text at ``offset``, each suggestion replacing what was typed before it."""
    return types.InlineCompletionList(items=[
        types.InlineCompletionItem(insert_text=s.text,
                                   range=to_range(index, offset - s.replace, offset))
        for s in suggestions])


def to_hover(index: LineIndex, found: Hover) -> types.Hover:
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found.markdown),
        range=to_range(index, found.start, found.end))


def to_signature_help(found: Signature) -> types.SignatureHelp:
    return types.SignatureHelp(
        signatures=[types.SignatureInformation(
            label=found.label,
            parameters=[types.ParameterInformation(label=(a, b), documentation=doc)
                        for a, b, doc in found.parameters])],
        active_signature=0, active_parameter=found.active_parameter)


def to_symbol(index: LineIndex, symbol: Symbol) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name or "(statement)",
        kind=_SYMBOL_KIND.get(symbol.kind, types.SymbolKind.Object),
        range=to_range(index, symbol.start, symbol.end),
        selection_range=to_range(index, symbol.selection_start, symbol.selection_end),
        children=[to_symbol(index, c) for c in symbol.children])


def line_location(uri: str, line: int) -> types.Location:
    """The start of line ``line`` of a file the server wrote (a definition)."""
    where = types.Position(line=line, character=0)
    return types.Location(uri=uri, range=types.Range(start=where, end=where))
