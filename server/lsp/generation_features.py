"""The language server's generation features: resolve "Generate query from comment" and
"Ask the model to repair this query", inline completion, the model's status.

Everything slow happens off the server's event loop: analysis on the runner, model
requests on the model loop (:mod:`~vgpt2.server.lsp.model_state`). A resolve shows
server-created work-done progress and stops (closing the model request) when the
editor cancels it or the user cancels the progress. Nothing the model writes reaches
the document unchecked: a generation goes through the engine's checks, a repair
through the same ``check_candidate``, an inline suggestion through :func:`acceptable`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified
from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis import Finding, analyze
from vgpt2.server.analysis.rules import RULES
from vgpt2.server.generation.backends.base import BackendError, ChatMessage, ModelBackend
from vgpt2.server.lsp.convert import inline_list, replace_edit, to_offset
from vgpt2.server.lsp.documents import Document, LineIndex, normalize_uri
from vgpt2.server.lsp.generate_action import (
    GENERATE_KIND,
    REPAIR_KIND,
    Comment,
    comment_at,
    list_actions,
    surrounding_batch,
    tags_supported,
)
from vgpt2.server.lsp.inline import (
    FimInput,
    Suggestion,
    SuggestionCache,
    acceptable,
    catalog_suggestions,
    clean,
    fim_input,
)
from vgpt2.server.lsp.model_state import ModelState, ModelStatus, build_backend
from vgpt2.server.lsp.names import MODEL_STATUS_NOTIFICATION

if TYPE_CHECKING:  # the engine itself is imported on first use (the server's start-up time)
    from vgpt2.server.generation.engine import GenerationRequest
    from vgpt2.server.generation.repair import Problem
    from vgpt2.server.generation.result import GenerationResult
    from vgpt2.server.lsp.server import VgptServer
    from vgpt2.server.lsp.settings import ResolvedSettings

_log = logging.getLogger(__name__)

T = TypeVar("T")

INLINE_MAX_TOKENS = 96
"""Tokens an inline suggestion may have: the rest of a clause or two."""


class GenerationFeatures:
    """Per-server state for generation: the model, in-flight inline requests, the cache."""

    def __init__(self) -> None:
        self.model = ModelState()
        self.inflight: dict[str, asyncio.Task[list[Suggestion]]] = {}
        self.cache = SuggestionCache()
        self.status: ModelStatus | None = None
        self.settings: ResolvedSettings | None = None
        self._status_task: asyncio.Task[None] | None = None

    # -- settings and status ----------------------------------------------------------------

    async def configure(self, server: VgptServer, settings: ResolvedSettings) -> None:
        """Apply the model settings live; a change re-checks the model and notifies.

        The backend is built on the runner (its client library's first import is slow);
        a newer configuration that arrived meanwhile wins."""
        self.settings = settings
        model, off = settings.file.model, settings.model_off
        built = None
        if self.model.differs(model, off):
            built = await server.runner.run(build_backend, model, off)
            if self.settings is not settings:  # overtaken by a newer configuration
                if built[0] is not None:
                    self.model.loop_close(built[0])
                return
        if self.model.apply(model, off, built):
            self.cache.clear()
            if self._status_task is not None:
                self._status_task.cancel()
            self._status_task = asyncio.ensure_future(self._publish_status(server))

    async def _publish_status(self, server: VgptServer) -> None:
        generation = self.model.generation
        status = await self.model.check()
        if generation != self.model.generation:
            return
        self.status = status
        server.protocol.notify(MODEL_STATUS_NOTIFICATION, status.as_json())

    def stop(self) -> None:
        for task in self.inflight.values():
            task.cancel()
        self.model.stop()

    # -- code actions -----------------------------------------------------------------------

    def actions(self, server: VgptServer, index: LineIndex, uri: str, version: int | None,
                findings: list[Finding], start: int, end: int,
                diagnostic: Callable[[Finding], types.Diagnostic]) -> list[types.CodeAction]:
        """The generation actions for a code-action request (no model call; any thread)."""
        if not self.model.enabled:
            return []
        return list_actions(index.text, uri, version, findings, start, end,
                            tags=tags_supported(server.client_capabilities),
                            model=self._has_model(), diagnostic=diagnostic)

    def _has_model(self) -> bool:
        try:
            return self.model.backend is not None
        except BackendError:
            return True  # offered, and resolving it says what is wrong with the settings

    async def resolve(self, server: VgptServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        kind = data.get("vgpt2")
        if kind not in (GENERATE_KIND, REPAIR_KIND):
            return action
        document = server.document(str(data.get("uri", "")))
        if document is None:
            return action
        if data.get("version") is not None and data.get("version") != document.version:
            raise JsonRpcContentModified("the document changed since the action was listed")
        start, end = int(data.get("start", 0)), int(data.get("end", 0))
        title = ("Generating a query from the comment" if kind == GENERATE_KIND
                 else "Asking the model to repair the query")
        if kind == GENERATE_KIND:
            comment = comment_at(document.text, start)
            if comment is None:
                return action
            edit = await self._with_progress(
                server, title, lambda: self.generate_edit(server, document, comment))
        else:
            edit = await self._with_progress(
                server, title, lambda: self.repair_edit(server, document, start, end))
        if edit is not None:
            action.edit = edit
        return action

    async def command_generate(self, server: VgptServer, uri: str,
                               where: types.Position) -> dict[str, Any]:
        """``vgpt2.generateFromComment``: generate at the cursor and apply it
        (``workspace/applyEdit``), for clients that run commands rather than actions."""
        document = server.document(uri)
        if document is None:
            return {"inserted": False, "message": "the document is not open"}
        comment = comment_at(document.text, to_offset(document.index, where))
        if comment is None:
            message = "vgpt2: put the cursor on a comment that describes the query"
            server.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Info, message=message))
            return {"inserted": False, "message": message}
        edit = await self._with_progress(
            server, "Generating a query from the comment",
            lambda: self.generate_edit(server, document, comment))
        if edit is None:
            return {"inserted": False, "message": "no query inserted"}
        applied = await server.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(
            edit=edit, label="vgpt2: generate query from comment"))
        return {"inserted": bool(applied.applied), "message": applied.failure_reason or ""}

    async def _with_progress(self, server: VgptServer, title: str,
                             work: Callable[[], Awaitable[T]]) -> T | None:
        """Run ``work`` with server-created progress. The user's cancel of the progress
        stops it (closing the model request) and gives None; the editor's
        ``$/cancelRequest`` cancels the request itself."""
        window = server.client_capabilities.window
        token = f"vgpt2-generate-{uuid.uuid4()}"
        shown = False
        if window and window.work_done_progress:
            try:
                await server.work_done_progress.create_async(token)
                server.work_done_progress.begin(token, types.WorkDoneProgressBegin(
                    title="vgpt2", message=title, cancellable=True))
                shown = True
            except Exception as error:  # a client that refuses progress still gets the edit
                _log.info("work-done progress refused: %s", error)
        task = asyncio.ensure_future(work())
        cancelled = server.work_done_progress.tokens.get(token) if shown else None
        if cancelled is not None:
            cancelled.add_done_callback(lambda _: task.cancel())
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the request itself was cancelled
            return None  # the progress was: nothing to insert
        finally:
            if not task.done():
                task.cancel()
            if shown:
                server.work_done_progress.tokens.pop(token, None)
                server.work_done_progress.end(token, types.WorkDoneProgressEnd(
                    message="cancelled" if task.cancelled() else "done"))

    def _tell(self, server: VgptServer, kind: types.MessageType, message: str) -> None:
        server.window_show_message(types.ShowMessageParams(type=kind, message=message))

    async def generate_edit(self, server: VgptServer, document: Document,
                            comment: Comment) -> types.WorkspaceEdit | None:
        """The engine's answer to the comment as one insert below it, or a message."""
        from vgpt2.server.generation.engine import GenerationRequest
        from vgpt2.server.generation.examples import ExampleError

        catalog = server.holder.catalog
        if catalog is None:
            self._tell(server, types.MessageType.Warning, "vgpt2: the catalog is not loaded yet")
            return None
        try:
            backend = self.model.backend
        except BackendError as error:
            self._tell(server, types.MessageType.Error, f"vgpt2: {error}")
            return None
        try:
            examples = await server.runner.run(self.model.examples, catalog)
        except ExampleError as error:
            self._tell(server, types.MessageType.Warning,
                       f"vgpt2: examples left out: {error}")
            examples = ()
        request = GenerationRequest(
            question=comment.question, surrounding_sql=surrounding_batch(document.text, comment),
            options=self.model.options, repair_rounds=self.model.settings.repair_rounds,
            examples=examples)
        result = await self._run_engine(server, request, catalog, backend)
        if result is None:
            return None
        current = server.document(document.uri)
        if current is None:
            return None
        # The user may have typed on while the model worked: find the comment again.
        moved = _find_comment(current.text, document.text, comment)
        if moved is None:
            self._tell(server, types.MessageType.Warning,
                       "vgpt2: the comment changed while the query was generated; nothing "
                       "was inserted")
            return None
        assert result.sql is not None
        text = current.text
        insert = result.sql
        if moved.insert_at == len(text) and text and not text.endswith(("\n", "\r")):
            insert = "\n" + insert
        if moved.insert_at < len(text) and text[moved.insert_at:moved.insert_at + 1] not in (
                "\n", "\r"):
            insert += "\n"  # a blank line between the query and what follows
        return replace_edit(current.index, current.uri, moved.insert_at, moved.insert_at, insert)

    async def _run_engine(self, server: VgptServer, request: GenerationRequest,
                          catalog: Catalog,
                          backend: ModelBackend | None) -> GenerationResult | None:
        from vgpt2.server.generation.engine import generate

        try:
            result = await self.model.loop.run(generate(request, catalog, backend))
        except BackendError as error:
            self._tell(server, types.MessageType.Error, f"vgpt2: {error}")
            return None
        if result.refused or result.sql is None:
            self._tell(server, types.MessageType.Warning, f"vgpt2: {result.message}")
            return None
        if result.backend == "catalog":
            self._tell(server, types.MessageType.Info, f"vgpt2: {result.message}")
        return result

    async def repair_edit(self, server: VgptServer, document: Document, start: int,
                          end: int) -> types.WorkspaceEdit | None:
        """The model's repair of one statement, checked like any generation; the edit
        replaces that statement only."""
        catalog = server.holder.catalog
        try:
            backend = self.model.backend
        except BackendError as error:
            self._tell(server, types.MessageType.Error, f"vgpt2: {error}")
            return None
        if catalog is None or backend is None:
            self._tell(server, types.MessageType.Warning,
                       "vgpt2: repairing a query needs a model (vgpt2.model.name)")
            return None
        statement = document.text[start:end]
        findings = await server.runner.run(analyze, statement, catalog)
        problems = [_problem(statement, f) for f in findings
                    if RULES[f.code].repairable_by_model]
        if not problems:
            return None
        try:
            sql = await self.model.loop.run(
                repair(catalog, backend, statement, problems, self.model.options))
        except BackendError as error:
            self._tell(server, types.MessageType.Error, f"vgpt2: {error}")
            return None
        if isinstance(sql, str) and sql.startswith("No SQL"):
            self._tell(server, types.MessageType.Warning, f"vgpt2: {sql}")
            return None
        current = server.document(document.uri)
        if current is None or current.text[start:end] != statement:
            self._tell(server, types.MessageType.Warning,
                       "vgpt2: the query changed while the model worked; nothing was replaced")
            return None
        replacement = sql.rstrip()
        if not statement.rstrip().endswith(";"):
            replacement = replacement.rstrip(";")  # the user's own style
        return replace_edit(current.index, current.uri, start, end, replacement)

    # -- inline completion ------------------------------------------------------------------

    async def inline(self, server: VgptServer, params: types.InlineCompletionParams
                     ) -> types.InlineCompletionList | None:
        """Ghost text at the cursor; a newer request for the same document cancels this one."""
        settings = self.settings
        if settings is None or not settings.inline.enabled:
            return None
        catalog = server.holder.catalog
        document = server.document(params.text_document.uri)
        if catalog is None or document is None:
            return None
        key = normalize_uri(document.uri)
        previous = self.inflight.pop(key, None)
        if previous is not None:
            previous.cancel()
        index = document.index
        offset = to_offset(index, params.position)
        work = asyncio.ensure_future(self._suggest(server, index, offset, catalog))
        self.inflight[key] = work
        try:
            found = await work
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the editor cancelled this request
            found = []  # a newer request took over
        finally:
            if self.inflight.get(key) is work:
                del self.inflight[key]
        latest = server.document(document.uri)
        if latest is None or latest.version != document.version:
            return types.InlineCompletionList(items=[])
        return inline_list(index, offset, found)

    async def _suggest(self, server: VgptServer, index: LineIndex, offset: int,
                       catalog: Catalog) -> list[Suggestion]:
        assert self.settings is not None
        inline = self.settings.inline
        nolock = self.settings.nolock_on_completion
        text = index.text
        fixed = await server.runner.run(catalog_suggestions, text, offset, catalog, nolock)
        backend = None
        if self.model.enabled and self.model.fill_in_middle:
            with contextlib.suppress(BackendError):
                backend = self.model.backend
        if backend is None:
            return fixed
        fim = await server.runner.run(fim_input, text, offset, catalog)
        cached = self.cache.get(fim.key)
        if cached is None:
            await asyncio.sleep(inline.debounce_ms / 1000)
            started = time.perf_counter()
            try:
                reply = await asyncio.wait_for(
                    self.model.loop.run(_fill_in_middle(backend, fim, self.model)),
                    inline.budget_ms / 1000)
            except (TimeoutError, BackendError) as error:
                _log.info("inline completion gave nothing: %s", error or "over budget")
                return fixed
            _log.debug("inline model call took %.0f ms", (time.perf_counter() - started) * 1e3)
            cached = clean(reply)
            self.cache.put(fim.key, cached)
        if not cached:
            return fixed
        checked: bool = await server.runner.run(acceptable, text, offset, cached, catalog)
        return [Suggestion(cached, 0, "model"), *fixed] if checked else fixed


async def _fill_in_middle(backend: ModelBackend, fim: FimInput, state: ModelState) -> str:
    """One FIM request: Ollama's ``suffix``, or the model's own tokens on /v1/completions."""
    from vgpt2.server.generation.fim import STOP

    options = replace(state.options, max_tokens=INLINE_MAX_TOKENS, stop=("\n\n", *STOP))
    fill = getattr(backend, "fill_in_middle", None)
    if fill is not None:
        reply = await fill(fim.header + fim.prefix, fim.suffix, options)
        return str(reply.text)
    raw = getattr(backend, "complete_raw", None)
    if raw is not None:
        reply = await raw(fim.raw_prompt(), replace(options, stop=STOP))
        return str(reply.text)
    return ""


async def repair(catalog: Catalog, backend: ModelBackend, statement: str,
                 problems: list[Problem], options: Any) -> str:
    """One repair round for a statement the user wrote: the engine's prompt for its objects,
    the statement as the model's "previous answer", the analyzer's problems; the reply is
    extracted and checked like any generation. Returns the SQL, or "No SQL: why"."""
    from vgpt2.server.generation.engine import GenerationRequest, prepare
    from vgpt2.server.generation.extract import extract_sql
    from vgpt2.server.generation.repair import check_candidate, repair_request
    from vgpt2.server.generation.result import GenerationResult

    question = "Correct this query so that it uses only real Vista names"
    result = GenerationResult(sql=None, refused=False, message="", backend=backend.name,
                              model=backend.model, prompt_version="")
    prepared = prepare(GenerationRequest(question=question, surrounding_sql=statement,
                                         options=options), catalog, result)
    messages = [*prepared.prompt.messages, ChatMessage("assistant", statement),
                ChatMessage("user", repair_request(problems, statement, ""))]
    reply = await backend.chat(messages, options)
    extraction = extract_sql(reply.text)
    if extraction.sql is None:
        return f"No SQL: the model's reply held no query ({extraction.describe()})."
    outcome = check_candidate(catalog, extraction.sql)
    if not outcome.deliverable:
        first = outcome.blocking[0]
        return f"No SQL: the model's repair still fails the checks: {first.code} {first.message}."
    return outcome.sql


def _problem(text: str, finding: Finding) -> Problem:
    from vgpt2.server.generation.repair import Problem

    line = text.count("\n", 0, finding.start)
    column = finding.start - (text.rfind("\n", 0, finding.start) + 1)
    return Problem(finding.code, finding.message, line + 1, column + 1, finding.related)


def _find_comment(current: str, original: str, comment: Comment) -> Comment | None:
    """The same comment in the current text (at its old place, or moved by an edit above)."""
    block = original[comment.start:comment.end]
    if current[comment.start:comment.end] == block:
        found = comment_at(current, comment.start)
        return found if found is not None and found.question == comment.question else None
    where = current.find(block)
    if where < 0 or current.find(block, where + 1) >= 0:
        return None
    found = comment_at(current, where)
    return found if found is not None and found.question == comment.question else None
