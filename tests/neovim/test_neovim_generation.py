"""Headless Neovim 0.7 runs "Generate query from comment" against the scripted model server.

The Lua lists the code actions on the comment line (the list carries no edit: the
SQL is computed on ``codeAction/resolve``), resolves the generate action, applies
its edit with ``vim.lsp.util.apply_workspace_edit`` and writes the buffer out as
JSON. Same harness rules as ``test_neovim.py``: ``xpcall``, ``qall!``/``cquit! 1``,
everything under ``timeout``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.generation.model_server import MODEL, ModelServer
from tests.neovim.test_neovim import CEILING_S, NVIM, SESSION_CEILING_S, TIMEOUT

pytestmark = pytest.mark.skipif(NVIM is None, reason="nvim is not on PATH (Debian 'neovim')")

QUERY = "SELECT h.APRef, h.Vendor\nFROM APTH h WITH (NOLOCK)\nWHERE h.APCo = 1"
SQL = "-- AP invoice references and vendors for company 1\nSELECT 1\n"

SCRIPT = r"""
local python, file, out_path, ceiling_ms, url, model = PYTHON, FILE, OUT, CEILING_MS, URL, MODEL
local out = {steps = {}}
local function step(name) table.insert(out.steps, name) end

local function request(buf, method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, ceiling_ms)
  assert(responses, method .. ": " .. tostring(err))
  for _, response in pairs(responses) do
    assert(response.err == nil, method .. ": " .. vim.inspect(response.err))
    return response.result
  end
end

local function main()
  local loaded = false
  local client_id = vim.lsp.start_client({
    name = "vgpt2",
    cmd = {python, "-m", "vgpt2.server.cli.main", "lsp"},
    root_dir = vim.fn.fnamemodify(file, ":h"),
    init_options = {diagnosticsDelayMs = 0,
                    model = {backend = "ollama", url = url, name = model}},
    handlers = {["vgpt2/catalogStatus"] = function() loaded = true end},
    on_exit = function(code) out.exit_code = code end,
  })
  assert(client_id, "vim.lsp.start_client returned nil")
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.lsp.buf_attach_client(buf, client_id), "buf_attach_client failed")
  local client = vim.lsp.get_client_by_id(client_id)
  assert(vim.wait(ceiling_ms, function() return loaded end, 20), "the catalog never loaded")
  step("loaded")

  local uri = vim.uri_from_bufnr(buf)
  local actions = request(buf, "textDocument/codeAction", {
    textDocument = {uri = uri},
    range = {start = {line = 0, character = 5}, ["end"] = {line = 0, character = 5}},
    context = {diagnostics = {}},
  })
  local generate
  for _, action in ipairs(actions or {}) do
    if action.title == "Generate query from comment" then generate = action end
  end
  assert(generate, "no 'Generate query from comment' action")
  out.listed_with_edit = generate.edit ~= nil
  step("listed")

  local resolved = request(buf, "codeAction/resolve", generate)
  assert(resolved and resolved.edit, "resolve returned no edit")
  vim.lsp.util.apply_workspace_edit(resolved.edit, client.offset_encoding)
  out.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  step("applied")

  vim.lsp.stop_client(client_id)
  vim.wait(ceiling_ms, function() return out.exit_code ~= nil end, 20)
  step("stopped")
end

local ok, err = xpcall(main, debug.traceback)
out.ok = ok
out.error = ok and vim.NIL or tostring(err)
local handle = io.open(out_path, "w")
handle:write(vim.fn.json_encode(out))
handle:close()
if ok then vim.cmd("qall!") else vim.cmd("cquit! 1") end
"""


def _run(work: Path, server: ModelServer) -> dict[str, Any]:
    sql = work / "generate.sql"
    sql.write_text(SQL, encoding="utf-8")
    out = work / "result.json"
    script = work / "generate.lua"
    values = [json.dumps(v) for v in (sys.executable, str(sql), str(out))]
    values += [str(CEILING_S * 1000), json.dumps(server.ollama_url), json.dumps(MODEL)]
    script.write_text(SCRIPT.replace("PYTHON, FILE, OUT, CEILING_MS, URL, MODEL",
                                     ", ".join(values)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in ("VGPT2_CONFIG", "OLLAMA_HOST")}
    env.update(VGPT2_CACHE_DIR=str(work / "cache"), HOME=str(work),
               XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"),
               XDG_STATE_HOME=str(work / "state"), XDG_CACHE_HOME=str(work / "xdg-cache"))
    command = [str(NVIM), "--headless", "--clean", "-n", "-c", f"luafile {script}"]
    if TIMEOUT:
        command = [TIMEOUT, "-k", "10", str(SESSION_CEILING_S), *command]
    run = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True,
                         timeout=SESSION_CEILING_S + 30, stdin=subprocess.DEVNULL)
    assert out.is_file(), (f"Neovim wrote no result (exit {run.returncode})\n"
                           f"stdout: {run.stdout[-2000:]}\nstderr: {run.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert result["ok"], f"Lua failed after steps {result['steps']}:\n{result['error']}"
    return result


def test_the_code_action_inserts_the_generated_query_below_the_comment(
        tmp_path: Path) -> None:
    with ModelServer() as server:
        server.script(f"```sql\n{QUERY}\n```")
        result = _run(tmp_path, server)
        assert len(server.chat_requests()) == 1
    assert result["listed_with_edit"] is False, "the list computed the SQL up front"
    lines = result["lines"]
    assert lines[0] == "-- AP invoice references and vendors for company 1"
    assert lines[-1] == "SELECT 1", "the user's own text changed"
    inserted = "\n".join(lines[1:-1])
    assert "FROM APTH h WITH (NOLOCK)" in inserted and "h.Vendor" in inserted
    assert result["exit_code"] == 0
