"""Every language-server feature, end to end over stdio, as VS Code and Neovim see it.

One server per client profile serves the whole module (bundled sample catalog);
each test works in its own document.
"""

from __future__ import annotations

import re
import stat
import warnings
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LspSpecificationWarning

from tests.lsp.helpers import (
    DOCS,
    PROFILES,
    SERVER_ENV,
    TIMEOUT,
    VgptClient,
    apply_edits,
    at,
    codes,
    config,
    end_of,
    initialize,
    items_of,
    snippet_text,
    span,
    wait_for,
)

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
]

REPO = Path(__file__).resolve().parents[2]
COMMANDS = ["vgpt2.reloadCatalog", "vgpt2.catalogStatus", "vgpt2.doctor", "vgpt2.showObject"]
JOIN_APTL = ("APTL l WITH (NOLOCK) ON l.APCo = h.APCo AND l.Mth = h.Mth "
             "AND l.APTrans = h.APTrans")


@pytest_lsp.fixture(config=config(), scope="module", params=PROFILES)
async def client(lsp_client: VgptClient, request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory):
    lsp_client.profile = request.param  # type: ignore[attr-defined]
    workspace = tmp_path_factory.mktemp("workspace")
    lsp_client.workspace = workspace  # type: ignore[attr-defined]
    lsp_client.init_result = await initialize(  # type: ignore[attr-defined]
        lsp_client, request.param, workspace, {"diagnosticsDelayMs": 50})
    await lsp_client.wait_status()
    yield
    await lsp_client.shutdown_session()


def doc(client: VgptClient, name: str) -> str:
    return (client.workspace / f"{name}.sql").as_uri()  # type: ignore[attr-defined]


async def complete(client: VgptClient, uri: str, where: types.Position
                   ) -> tuple[list[types.CompletionItem], list[str]]:
    """The items, best first, and any LSP spec warnings pytest-lsp raised about them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LspSpecificationWarning)
        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=where))
    problems = [str(w.message) for w in caught if issubclass(w.category, LspSpecificationWarning)]
    return items_of(result), problems


async def actions(client: VgptClient, uri: str, where: types.Range,
                  diagnostics: list[types.Diagnostic] | None = None) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=where,
        context=types.CodeActionContext(diagnostics=diagnostics or [])))
    found = [a for a in result or [] if isinstance(a, types.CodeAction)]
    assert len(found) == len(result or []), "bare Commands instead of CodeActions"
    return found


def _anchors() -> set[str]:
    text = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    return {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
            for h in re.findall(r"^## (.+)$", text, re.MULTILINE)}


# -- start-up -------------------------------------------------------------------------------


async def test_initialize_announces_the_features(client: VgptClient) -> None:
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    assert client.init_result.server_info.name == "vgpt2"  # type: ignore[attr-defined]
    assert caps.completion_provider is not None
    assert {".", " "} <= set(caps.completion_provider.trigger_characters or [])
    assert caps.hover_provider and caps.definition_provider and caps.document_symbol_provider
    assert caps.signature_help_provider is not None
    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    assert types.CodeActionKind.QuickFix in (caps.code_action_provider.code_action_kinds or [])
    assert caps.execute_command_provider is not None
    assert set(COMMANDS) <= set(caps.execute_command_provider.commands)


async def test_catalog_status_notification_after_loading(client: VgptClient) -> None:
    status = client.statuses[0]
    assert status["loaded"] is True
    assert status["objects"] > 100
    assert "bundled sample" in status["message"]


# -- diagnostics ----------------------------------------------------------------------------


async def test_diagnostics_codes_positions_and_links(client: VgptClient) -> None:
    uri = doc(client, "base_table")
    text = "SELECT h.APRef, h.Vendor\nFROM bAPTH h\nWHERE h.APCo = 1\n"
    client.open(uri, text)
    found = await client.wait_diagnostics(uri)
    assert codes(found) == ["VG004", "VG005"]
    by_code = {d.code: d for d in found}
    expected = types.Range(start=types.Position(line=1, character=5),
                           end=types.Position(line=1, character=10))
    assert span(text, "bAPTH") == expected
    for code, name in (("VG004", "missing-nolock"), ("VG005", "base-table")):
        diagnostic = by_code[code]
        assert diagnostic.range == expected
        assert diagnostic.severity == types.DiagnosticSeverity.Warning
        assert diagnostic.source == "vgpt2"
        assert diagnostic.code_description is not None
        assert diagnostic.code_description.href == f"{DOCS}#{code.lower()}-{name}"
        assert f"{code.lower()}-{name}" in _anchors(), "docs/rules.md has the linked section"
    assert by_code["VG004"].message == "'bAPTH' is read without WITH (NOLOCK)"
    assert by_code["VG005"].message == "'bAPTH' is a base table; query its view 'APTH' instead"


async def test_unknown_object_is_an_error_with_a_suggestion(client: VgptClient) -> None:
    uri = doc(client, "unknown")
    text = "SELECT x.APRef\nFROM APTHX x WITH (NOLOCK)\n"
    client.open(uri, text)
    (diagnostic,) = await client.wait_diagnostics(uri)
    assert diagnostic.code == "VG001"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.range == span(text, "APTHX")
    assert diagnostic.range.start == types.Position(line=1, character=5)
    assert "did you mean APTH?" in diagnostic.message
    assert diagnostic.code_description.href == f"{DOCS}#vg001-unknown-object"


async def test_positions_count_the_negotiated_encoding(client: VgptClient) -> None:
    """Columns count code units of the encoding announced at initialize: UTF-16 by
    default, UTF-8 for Neovim 0.11 (it offers utf-8 first)."""
    uri = doc(client, "emoji")
    text = "SELECT N'\N{MONEY BAG} total' AS label, h.APRef FROM APTH h\n"
    client.open(uri, text)
    (diagnostic,) = await client.wait_diagnostics(uri)
    assert diagnostic.code == "VG004"
    encoding = client.init_result.capabilities.position_encoding  # type: ignore[attr-defined]
    # the money bag is one character: 2 UTF-16 code units, 4 UTF-8 bytes
    extra = {"utf-8": 3, "utf-16": 1, "utf-32": 0}[encoding or "utf-16"]
    assert diagnostic.range == types.Range(start=types.Position(line=0, character=41 + extra),
                                           end=types.Position(line=0, character=45 + extra))
    hovered = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=0, character=43 + extra)))
    assert hovered is not None and hovered.contents.value.startswith("**APTH**")
    assert hovered.range == diagnostic.range


async def test_windows_line_endings(client: VgptClient) -> None:
    uri = doc(client, "crlf")
    text = "SELECT h.APRef\r\nFROM APTH h\r\nWHERE h.APCo = 1\r\n"
    client.open(uri, text)
    (diagnostic,) = await client.wait_diagnostics(uri)
    assert diagnostic.range == types.Range(start=types.Position(line=1, character=5),
                                           end=types.Position(line=1, character=9))
    found = await actions(client, uri, diagnostic.range, [diagnostic])
    (fix,) = [a for a in found if a.title == "Add WITH (NOLOCK)"]
    version = client.apply(fix.edit)
    assert client.texts[uri] == text.replace("APTH h", "APTH h WITH (NOLOCK)")
    assert await client.wait_diagnostics(uri, version) == []


async def test_diagnostics_follow_edits_debounced_and_clear_on_fix(client: VgptClient) -> None:
    uri = doc(client, "edits")
    clean = "SELECT h.APRef\nFROM APTH h WITH (NOLOCK)\n"
    client.open(uri, clean)
    assert await client.wait_diagnostics(uri) == []

    version = client.replace(uri, "SELECT h.APRef\nFROM APTH h\n")
    (diagnostic,) = await client.wait_diagnostics(uri, version)
    assert diagnostic.code == "VG004"
    assert diagnostic.range == types.Range(start=types.Position(line=1, character=5),
                                           end=types.Position(line=1, character=9))

    # three quick keystrokes: only the last version is analyzed and published
    first = client.replace(uri, "SELECT h.APRef\nFROM APTH h W\n")
    client.replace(uri, "SELECT h.APRef\nFROM APTH h WITH (NOL\n")
    last = client.replace(uri, clean)
    assert await client.wait_diagnostics(uri, last) == []
    skipped = [p.version for _, p in client.published if p.uri == uri
               and p.version is not None and first <= p.version < last]
    assert skipped == [], "superseded versions were published"


async def test_close_clears_diagnostics(client: VgptClient) -> None:
    uri = doc(client, "closing")
    client.open(uri, "SELECT h.APRef FROM APTH h\n")
    assert codes(await client.wait_diagnostics(uri)) == ["VG004"]
    count = len(client.published)
    client.close(uri)
    cleared = await wait_for(lambda: [p for _, p in client.published[count:] if p.uri == uri],
                             TIMEOUT, "diagnostics cleared on close")
    assert list(cleared[-1].diagnostics) == []


# -- completion -----------------------------------------------------------------------------


async def test_completion_after_from_offers_views_first(client: VgptClient) -> None:
    uri = doc(client, "from")
    text = "SELECT *\nFROM "
    client.open(uri, text)
    items, _ = await complete(client, uri, end_of(text))
    labels = [i.label for i in items]
    kinds = [i.kind for i in items]
    assert kinds[0] == types.CompletionItemKind.Class
    first_other = next(n for n, k in enumerate(kinds) if k != types.CompletionItemKind.Class)
    assert first_other > 20, "views come first"
    assert all(k != types.CompletionItemKind.Class for k in kinds[first_other:])
    assert "APTH" in labels[:first_other]
    assert "bAPTH" not in labels, "a base table with a view is offered only when typed"
    apth = items[labels.index("APTH")]
    assert apth.text_edit is not None
    assert apth.text_edit.range == types.Range(start=end_of(text), end=end_of(text))
    assert snippet_text(apth) == "APTH h WITH (NOLOCK)"


async def test_completion_after_alias_dot_offers_its_columns(client: VgptClient) -> None:
    uri = doc(client, "alias")
    text = "SELECT h.\nFROM APTH h WITH (NOLOCK)\n"
    client.open(uri, text)
    cursor = at(text, "h.", delta=2)
    items, problems = await complete(client, uri, cursor)
    assert problems == []
    assert [i.label for i in items[:4]] == ["APCo", "Mth", "APTrans", "VendorGroup"]
    assert {i.kind for i in items} == {types.CompletionItemKind.Field}
    assert "APRef" in [i.label for i in items]
    assert items[0].text_edit.range == types.Range(start=cursor, end=cursor)


async def test_completion_in_select_list_offers_columns_in_scope(client: VgptClient) -> None:
    uri = doc(client, "select_list")
    text = "SELECT  FROM APTL l WITH (NOLOCK)\n"
    client.open(uri, text)
    items, _ = await complete(client, uri, at(text, "SELECT ", delta=7))
    fields = [i.label for i in items if i.kind == types.CompletionItemKind.Field]
    assert fields[:4] == ["APCo", "Mth", "APTrans", "APLine"]


async def test_completion_after_join_is_the_whole_join(client: VgptClient) -> None:
    uri = doc(client, "join")
    text = "SELECT *\nFROM APTH h WITH (NOLOCK)\nJOIN "
    client.open(uri, text)
    items, problems = await complete(client, uri, end_of(text))
    assert problems == [] or client.profile == "neovim@v0.7.0"  # type: ignore[attr-defined]
    joins = [snippet_text(i) for i in items if i.kind == types.CompletionItemKind.Snippet]
    assert JOIN_APTL in joins[:5], joins[:5]
    item = next(i for i in items if snippet_text(i) == JOIN_APTL)
    assert item.label == "APTL l ON l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans"
    assert item.insert_text_format != types.InsertTextFormat.Snippet
    assert item.text_edit.new_text == JOIN_APTL

    # accepting it gives a query the analyzer is happy with
    version = client.edit(uri, [item.text_edit])
    assert client.texts[uri].endswith("JOIN " + JOIN_APTL)
    assert await client.wait_diagnostics(uri, version) == []


async def test_completion_in_a_half_typed_join_replaces_the_prefix(client: VgptClient) -> None:
    uri = doc(client, "join_prefix")
    text = "SELECT *\nFROM APTH h WITH (NOLOCK)\nJOIN APT"
    client.open(uri, text)
    items, _ = await complete(client, uri, end_of(text))
    item = next(i for i in items[:3] if i.text_edit and i.text_edit.new_text == JOIN_APTL)
    assert item.text_edit.range == span(text, "APT", nth=1)
    assert apply_edits(text, [item.text_edit]).endswith("JOIN " + JOIN_APTL)


async def test_completion_after_on_is_the_key_condition(client: VgptClient) -> None:
    uri = doc(client, "on")
    text = "SELECT *\nFROM APTH h WITH (NOLOCK)\nJOIN APTL l WITH (NOLOCK) ON "
    client.open(uri, text)
    items, _ = await complete(client, uri, end_of(text))
    assert items[0].text_edit.new_text == (
        "l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans")


async def test_completion_respects_snippet_support(client: VgptClient) -> None:
    """Snippet clients get ``${1:h}`` tab stops; a client without them, plain text."""
    uri = doc(client, "snippets")
    text = "SELECT *\nFROM "
    client.open(uri, text)
    items, problems = await complete(client, uri, end_of(text))
    assert problems == []
    apth = next(i for i in items if i.label == "APTH")
    capabilities = client.capabilities.text_document.completion.completion_item
    if capabilities.snippet_support:
        assert apth.insert_text_format == types.InsertTextFormat.Snippet
        assert apth.text_edit.new_text == "APTH ${1:h} WITH (NOLOCK)"
    else:
        assert all(i.insert_text_format != types.InsertTextFormat.Snippet for i in items)
        assert not any("${" in i.text_edit.new_text for i in items if i.text_edit)
        assert apth.text_edit.new_text == "APTH h WITH (NOLOCK)"


# -- hover ----------------------------------------------------------------------------------


async def test_hover_on_an_object_shows_its_description(client: VgptClient) -> None:
    uri = doc(client, "hover")
    text = "SELECT l.APLine\nFROM APTL l WITH (NOLOCK)\n"
    client.open(uri, text)
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at(text, "APTL", delta=2)))
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    assert result.contents.value.startswith("**APTL** · view · AP (Accounts Payable)")
    assert "AP transaction line: one row per invoice line" in result.contents.value
    assert result.range == span(text, "APTL")

    column = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=at(text, "APLine", delta=3)))
    assert column is not None
    assert column.contents.value.startswith("**APTL.APLine** · column of view `APTL`")
    assert "Line number within the AP transaction" in column.contents.value
    assert column.range == span(text, "APLine")


# -- code actions ---------------------------------------------------------------------------


async def test_quick_fix_adds_nolock_and_the_diagnostic_goes(client: VgptClient) -> None:
    uri = doc(client, "fix_nolock")
    text = "SELECT h.APRef, h.Vendor\nFROM APTH h\nWHERE h.APCo = 1\n"
    client.open(uri, text)
    (diagnostic,) = await client.wait_diagnostics(uri)
    found = await actions(client, uri, diagnostic.range, [diagnostic])
    fixes = [a for a in found if a.kind == types.CodeActionKind.QuickFix]
    (fix,) = [a for a in fixes if a.title == "Add WITH (NOLOCK)"]
    assert fix.is_preferred is True
    assert [d.code for d in fix.diagnostics or []] == ["VG004"]
    version = client.apply(fix.edit)
    assert client.texts[uri] == (
        "SELECT h.APRef, h.Vendor\nFROM APTH h WITH (NOLOCK)\nWHERE h.APCo = 1\n")
    assert await client.wait_diagnostics(uri, version) == []


async def test_quick_fix_replaces_a_base_table_with_its_view(client: VgptClient) -> None:
    uri = doc(client, "fix_view")
    client.open(uri, "SELECT h.APRef\nFROM bAPTH h WITH (NOLOCK)\n")
    (diagnostic,) = await client.wait_diagnostics(uri)
    assert diagnostic.code == "VG005"
    found = await actions(client, uri, diagnostic.range, [diagnostic])
    (fix,) = [a for a in found if a.title == "Use view APTH"]
    version = client.apply(fix.edit)
    assert client.texts[uri] == "SELECT h.APRef\nFROM APTH h WITH (NOLOCK)\n"
    assert await client.wait_diagnostics(uri, version) == []


async def test_add_nolock_everywhere_in_the_file(client: VgptClient) -> None:
    uri = doc(client, "everywhere")
    text = ("SELECT h.APRef FROM APTH h\n"
            "JOIN APTL l ON l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans\n"
            "GO\n"
            "SELECT v.Name FROM APVM v\n")
    client.open(uri, text)
    assert codes(await client.wait_diagnostics(uri)) == ["VG004"] * 3
    start = types.Position(line=0, character=0)
    found = await actions(client, uri, types.Range(start=start, end=start))
    (everywhere,) = [a for a in found if a.title.startswith("Add WITH (NOLOCK) everywhere")]
    assert everywhere.title == "Add WITH (NOLOCK) everywhere in this file (3)"
    assert everywhere.kind == types.CodeActionKind.Source
    version = client.apply(everywhere.edit)
    assert client.texts[uri] == text.replace(" h\n", " h WITH (NOLOCK)\n").replace(
        " l ON", " l WITH (NOLOCK) ON").replace(" v\n", " v WITH (NOLOCK)\n")
    assert await client.wait_diagnostics(uri, version) == []


async def test_expand_star_to_the_column_list(client: VgptClient) -> None:
    uri = doc(client, "star")
    text = "SELECT * FROM APTH h WITH (NOLOCK)\n"
    client.open(uri, text)
    assert await client.wait_diagnostics(uri) == []
    found = await actions(client, uri, span(text, "*"))
    (expand,) = [a for a in found if a.title == "Expand * to the column list"]
    assert expand.kind == types.CodeActionKind.RefactorRewrite
    version = client.apply(expand.edit)
    expanded = client.texts[uri]
    assert expanded.startswith("SELECT APCo,\n       Mth,\n       APTrans,\n")
    assert "*" not in expanded
    assert expanded.endswith("KeyID FROM APTH h WITH (NOLOCK)\n")
    assert await client.wait_diagnostics(uri, version) == []


async def test_unknown_object_offers_a_replacement_and_a_catalog_reload(
        client: VgptClient) -> None:
    uri = doc(client, "reload")
    text = "SELECT x.APRef\nFROM APTHX x WITH (NOLOCK)\n"
    client.open(uri, text)
    (diagnostic,) = await client.wait_diagnostics(uri)
    found = await actions(client, uri, diagnostic.range, [diagnostic])
    titles = [a.title for a in found]
    assert "Replace with APTH" in titles
    (reload,) = [a for a in found if a.title == "Reload the Vista catalog"]
    assert reload.kind == types.CodeActionKind.QuickFix
    assert reload.command is not None and reload.command.command == "vgpt2.reloadCatalog"
    assert reload.edit is None
    before = len(client.statuses)
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=reload.command.command, arguments=reload.command.arguments))
    assert result["loaded"] is True and result["objects"] > 100
    assert (await client.wait_status(before + 1))["loaded"] is True
    version = client.apply(next(a for a in found if a.title == "Replace with APTH").edit)
    assert await client.wait_diagnostics(uri, version) == []


# -- symbols, signature help, definition ----------------------------------------------------


async def test_document_symbols(client: VgptClient) -> None:
    uri = doc(client, "symbols")
    text = ("CREATE VIEW dbo.vrvMyJobs AS\nSELECT j.Job FROM JCJM j WITH (NOLOCK)\nGO\n"
            "SELECT h.APRef FROM APTH h WITH (NOLOCK)\nGO\n")
    client.open(uri, text)
    result = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert result is not None
    view, batch = result
    assert isinstance(view, types.DocumentSymbol)
    assert (view.name, view.kind) == ("dbo.vrvMyJobs", types.SymbolKind.Class)
    assert view.selection_range == span(text, "dbo.vrvMyJobs")
    assert [(c.name, c.kind) for c in view.children or []] == [
        ("SELECT JCJM", types.SymbolKind.Event)]
    assert (batch.name, batch.kind) == ("Batch 2", types.SymbolKind.Namespace)
    assert batch.range.start == types.Position(line=3, character=0)
    assert [c.name for c in batch.children or []] == ["SELECT APTH"]


async def test_signature_help_on_exec(client: VgptClient) -> None:
    uri = doc(client, "signature")
    text = "EXEC brptAPTax "
    client.open(uri, text)

    async def ask(where: types.Position) -> types.SignatureHelp:
        result = await client.text_document_signature_help_async(types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=where))
        assert result is not None
        return result

    help_ = await ask(end_of(text))
    (signature,) = help_.signatures
    assert signature.label == ("brptAPTax @APCo bCompany, @BeginTaxCode bTaxCode, "
                               "@EndTaxCode bTaxCode, @BeginMth bMonth, @EndMth bMonth")
    labels = [signature.label[p.label[0]:p.label[1]] for p in signature.parameters or []]
    assert labels == ["@APCo bCompany", "@BeginTaxCode bTaxCode", "@EndTaxCode bTaxCode",
                      "@BeginMth bMonth", "@EndMth bMonth"]
    assert "first day of a month" in str(signature.parameters[3].documentation)
    assert help_.active_parameter == 0

    client.replace(uri, text + "1, 'A', ")
    assert (await ask(end_of(client.texts[uri]))).active_parameter == 2
    client.replace(uri, text + "@BeginMth = ")
    assert (await ask(end_of(client.texts[uri]))).active_parameter == 3


def _location(result: object) -> types.Location:
    if isinstance(result, list):
        (result,) = result
    if isinstance(result, types.LocationLink):
        return types.Location(uri=result.target_uri, range=result.target_selection_range)
    assert isinstance(result, types.Location), result
    return result


async def test_definition_opens_a_read_only_rendering(client: VgptClient) -> None:
    uri = doc(client, "definition")
    text = "SELECT l.APLine\nFROM APTL l WITH (NOLOCK)\n"
    client.open(uri, text)
    location = _location(await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at(text, "APTL", delta=1))))
    assert location.uri.startswith("file://")
    path = Path(unquote(urlparse(location.uri).path))
    assert path.is_file()
    assert path.name == "APTL.sql"
    assert Path(SERVER_ENV["VGPT2_CACHE_DIR"]) in path.parents
    assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0, "read-only"
    content = path.read_text(encoding="utf-8")
    assert content.startswith("-- vgpt2: read-only rendering from the catalog")
    for column in ("APCo", "Mth", "APTrans", "APLine"):
        assert re.search(rf"^--\s+{column}\s", content, re.MULTILINE), column


async def test_definition_reveals_the_column_or_the_create_line(client: VgptClient) -> None:
    uri = doc(client, "definition_column")
    text = "SELECT l.APLine\nFROM APTL l WITH (NOLOCK)\n"
    client.open(uri, text)

    async def line_at(where: types.Position) -> str:
        location = _location(await client.text_document_definition_async(
            types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                   position=where)))
        assert location.range.start == location.range.end
        path = Path(unquote(urlparse(location.uri).path))
        return path.read_text(encoding="utf-8").splitlines()[location.range.start.line]

    assert re.match(r"^--\s+APLine\s", await line_at(at(text, "APLine", delta=2)))
    assert (await line_at(at(text, "APTL", delta=1))).startswith("CREATE VIEW [dbo].[APTL]")


# -- commands -------------------------------------------------------------------------------


async def _command(client: VgptClient, command: str, *arguments: object) -> object:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=command, arguments=list(arguments)))


async def test_doctor_command_returns_the_report(client: VgptClient) -> None:
    report = await _command(client, "vgpt2.doctor")
    assert isinstance(report, str)
    assert "configuration" in report
    assert report.rstrip().endswith("vgpt2 is ready.")


async def test_catalog_status_command(client: VgptClient) -> None:
    status = await _command(client, "vgpt2.catalogStatus")
    assert isinstance(status, dict)
    assert status["loaded"] is True
    assert status["objects"] == client.statuses[0]["objects"] > 100
    assert status["message"] == f"Vista catalog: {status['objects']:,} objects (bundled sample)"


async def test_show_object_command(client: VgptClient) -> None:
    shown = await _command(client, "vgpt2.showObject", "APTH")
    assert isinstance(shown, str) and "APTH" in shown and "APTrans" in shown
    assert await _command(client, "vgpt2.showObject", "NoSuchThing") is None


async def test_nothing_is_offered_where_nothing_applies(client: VgptClient) -> None:
    uri = doc(client, "quiet")
    text = "-- FROM \nSELECT 'FROM ' AS x\n"
    client.open(uri, text)
    assert await client.wait_diagnostics(uri) == []
    ident = types.TextDocumentIdentifier(uri=uri)
    in_comment, in_string = at(text, "FROM ", delta=5), at(text, "FROM ", nth=1, delta=5)
    for where in (in_comment, in_string):
        items, _ = await complete(client, uri, where)
        assert items == []
    keyword = at(text, "SELECT", delta=2)
    assert await client.text_document_hover_async(
        types.HoverParams(text_document=ident, position=keyword)) is None
    assert await client.text_document_signature_help_async(
        types.SignatureHelpParams(text_document=ident, position=keyword)) is None
    assert await client.text_document_definition_async(
        types.DefinitionParams(text_document=ident, position=keyword)) is None
