"""The model's features: ``codeAction/resolve`` (generate from a comment, repair a query),
``textDocument/inlineCompletion``, and the ``vgpt2.generateFromComment`` and
``vgpt2.modelStatus`` commands. The work is
:class:`~vgpt2.server.lsp.generation_features.GenerationFeatures`'s, off the event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types
from vgpt2.server.lsp.names import GENERATE_COMMAND, MODEL_STATUS_COMMAND
from vgpt2.server.lsp.registry import Command, Feature

if TYPE_CHECKING:
    from vgpt2.server.lsp.server import VgptServer


async def resolve_code_action(ls: VgptServer, action: types.CodeAction) -> types.CodeAction:
    return await ls.generation.resolve(ls, action)


async def inline_completion(ls: VgptServer, params: types.InlineCompletionParams
                            ) -> types.InlineCompletionList | None:
    return await ls.generation.inline(ls, params)


async def generate_from_comment(ls: Any, *args: Any) -> dict[str, Any]:
    """Arguments: the document URI and the cursor position ({line, character}).

    (``ls: Any``: pygls reads a command's type hints at run time.)"""
    if len(args) < 2:
        return {"inserted": False, "message": "expected [uri, position]"}
    uri, where = args[0], args[1]
    position = types.Position(line=int(_field(where, "line")),
                              character=int(_field(where, "character")))
    answer: dict[str, Any] = await ls.generation.command_generate(ls, str(uri), position)
    return answer


async def model_status(ls: Any, *args: Any) -> dict[str, Any]:
    status = await ls.generation.model.check()
    ls.generation.status = status
    answer: dict[str, Any] = status.as_json()
    return answer


def _field(value: Any, name: str) -> Any:
    """A field of a command argument: a dict, or the namedtuple pygls makes of one."""
    if isinstance(value, dict):
        return value.get(name, 0)
    return getattr(value, name, 0)


HANDLERS = (
    Feature(types.CODE_ACTION_RESOLVE, resolve_code_action),
    Feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_completion,
            types.InlineCompletionOptions()),
    Command(GENERATE_COMMAND, generate_from_comment),
    Command(MODEL_STATUS_COMMAND, model_status),
)
