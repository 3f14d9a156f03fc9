"""A real editor: headless Neovim (Debian's 0.7.2) runs ``vgpt2 lsp`` as its language server.

A Lua script, written into tmp, starts the server with ``vim.lsp.start_client``,
attaches it to a buffer of a .sql file, waits for diagnostics, asks for
completion inside a half-typed JOIN and accepts the join, asks for code actions
and applies the NOLOCK quick fix with ``vim.lsp.util.apply_workspace_edit``, and
writes what it saw as JSON. The script is wrapped in ``xpcall`` and always ends
with ``qall!`` or ``cquit! 1``, under ``timeout`` (Neovim hangs after a Lua error).

``scripts/install-test-deps.sh`` installs Neovim; without ``nvim`` on PATH these skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from typing import Any

import pytest

NVIM = shutil.which("nvim")
TIMEOUT = shutil.which("timeout")
CEILING_S = 120
"""Each wait inside Neovim (diagnostics, a request, the server's exit) ends when its event
comes; this is only its upper bound, generous for a busy machine."""
SESSION_CEILING_S = 300
"""Upper bound for the whole Neovim run (normally seconds), killed beyond it."""
pytestmark = pytest.mark.skipif(
    NVIM is None, reason="nvim is not on PATH (Debian package 'neovim'; run "
    "scripts/install-test-deps.sh)")

JOIN_APTL = ("APTL l WITH (NOLOCK) ON l.APCo = h.APCo AND l.Mth = h.Mth "
             "AND l.APTrans = h.APTrans")

SQL = """\
SELECT h.APRef, h.Vendor
FROM APTH h
WHERE h.APCo = 1
GO
SELECT x.APRef FROM bAPTH x WITH (NOLOCK)
GO
SELECT h.APRef, l.APLine
FROM APTH h WITH (NOLOCK)
JOIN APT
"""

SCRIPT = r"""
local python, file, out_path, ceiling_ms = PYTHON, FILE, OUT, CEILING_MS
local out = {steps = {}}

local function step(name) table.insert(out.steps, name) end

local function lsp_code(d)
  if d.code ~= nil then return d.code end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code or nil
end

local function diagnostics(buf)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(found, {code = lsp_code(d), lnum = d.lnum, col = d.col,
                         end_lnum = d.end_lnum, end_col = d.end_col,
                         severity = d.severity, message = d.message, source = d.source})
  end
  table.sort(found, function(a, b) return a.lnum * 1000 + a.col < b.lnum * 1000 + b.col end)
  return found
end

local function has_code(buf, code)
  for _, d in ipairs(diagnostics(buf)) do
    if d.code == code then return true end
  end
  return false
end

local function request(buf, method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, ceiling_ms)
  assert(responses, method .. ": " .. tostring(err))
  for _, response in pairs(responses) do
    assert(response.err == nil, method .. ": " .. vim.inspect(response.err))
    return response.result
  end
end

local function main()
  local statuses = {}
  local client_id = vim.lsp.start_client({
    name = "vgpt2",
    cmd = {python, "-m", "vgpt2.server.cli.main", "lsp"},
    root_dir = vim.fn.fnamemodify(file, ":h"),
    init_options = {diagnosticsDelayMs = 0},
    handlers = {
      ["vgpt2/catalogStatus"] = function(_, result) table.insert(statuses, result) end,
    },
    on_exit = function(code) out.exit_code = code end,
  })
  assert(client_id, "vim.lsp.start_client returned nil")
  step("started")

  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.lsp.buf_attach_client(buf, client_id), "buf_attach_client failed")
  local client = vim.lsp.get_client_by_id(client_id)
  out.offset_encoding = client.offset_encoding
  out.snippet_support = vim.lsp.protocol.make_client_capabilities()
    .textDocument.completion.completionItem.snippetSupport

  assert(vim.wait(ceiling_ms, function() return #vim.diagnostic.get(buf) > 0 end, 20),
         "no diagnostics within " .. ceiling_ms / 1000 .. " s")
  out.catalog_status = statuses[1]
  out.diagnostics = diagnostics(buf)
  step("diagnostics")

  -- completion inside the half-typed JOIN on the last line: "JOIN APT|"
  local last = vim.api.nvim_buf_line_count(buf) - 1
  local line = vim.api.nvim_buf_get_lines(buf, last, last + 1, false)[1]
  local uri = vim.uri_from_bufnr(buf)
  local result = request(buf, "textDocument/completion",
    {textDocument = {uri = uri}, position = {line = last, character = #line}})
  local items = result and (result.items or result) or {}
  table.sort(items, function(a, b) return (a.sortText or a.label) < (b.sortText or b.label) end)
  out.completion = {}
  local join
  for i, item in ipairs(items) do
    local text = item.textEdit and item.textEdit.newText or item.insertText or item.label
    if i <= 10 then
      table.insert(out.completion, {label = item.label, kind = item.kind, text = text,
                                    format = item.insertTextFormat})
    end
    if join == nil and item.kind == vim.lsp.protocol.CompletionItemKind.Snippet
        and text:match("^APTL ") then
      join = item
    end
  end
  assert(join, "no APTL join among the completion items")
  vim.lsp.util.apply_text_edits({join.textEdit}, buf, client.offset_encoding)
  out.after_completion = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  step("completion")

  -- hover on APTH in the first statement
  local hover = request(buf, "textDocument/hover",
    {textDocument = {uri = uri}, position = {line = 1, character = 6}})
  out.hover = hover and hover.contents and hover.contents.value or vim.NIL
  step("hover")

  -- the NOLOCK quick fix for APTH on line 2 (0-based line 1)
  local line_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, 1)
  local actions = request(buf, "textDocument/codeAction", {
    textDocument = {uri = uri},
    range = {start = {line = 1, character = 5}, ["end"] = {line = 1, character = 9}},
    context = {diagnostics = line_diagnostics},
  })
  out.actions = {}
  local fix
  for _, action in ipairs(actions or {}) do
    table.insert(out.actions, {title = action.title, kind = action.kind})
    if action.title == "Add WITH (NOLOCK)" then fix = action end
  end
  assert(fix and fix.edit, "no 'Add WITH (NOLOCK)' quick fix with an edit")
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
  out.after_fix = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  step("code action")

  -- Neovim sends the edits; the server re-checks: VG004 and the half-typed VG001 go
  out.cleared = vim.wait(ceiling_ms, function()
    return not has_code(buf, "VG004") and not has_code(buf, "VG001")
  end, 20)
  out.diagnostics_after = diagnostics(buf)
  step("re-checked")

  -- what Neovim 0.7 gets after FROM (it declares snippetSupport = false)
  -- (no wait needed: a request first sends the pending didChange, see vim.lsp's
  -- changetracking.flush, so the server sees this line before the completion request)
  vim.api.nvim_buf_set_lines(buf, -1, -1, false, {"SELECT * FROM "})
  local from_line = vim.api.nvim_buf_line_count(buf) - 1
  local from = request(buf, "textDocument/completion",
    {textDocument = {uri = uri}, position = {line = from_line, character = 14}})
  local from_items = from and (from.items or from) or {}
  table.sort(from_items,
    function(a, b) return (a.sortText or a.label) < (b.sortText or b.label) end)
  out.from_completion = {}
  for i, item in ipairs(from_items) do
    if i > 5 then break end
    table.insert(out.from_completion, {label = item.label, format = item.insertTextFormat,
      text = item.textEdit and item.textEdit.newText or item.insertText})
  end
  step("completion after FROM")

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


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("neovim")
    sql = work / "report.sql"
    sql.write_text(SQL, encoding="utf-8")
    out = work / "result.json"
    script = work / "drive.lua"
    script.write_text(SCRIPT.replace("PYTHON, FILE, OUT, CEILING_MS", ", ".join(
        [*(_lua_string(v) for v in (sys.executable, str(sql), str(out))),
         str(CEILING_S * 1000)])), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "VGPT2_CONFIG"}
    env.update(VGPT2_CACHE_DIR=str(work / "cache"), HOME=str(work),
               XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"),
               XDG_STATE_HOME=str(work / "state"), XDG_CACHE_HOME=str(work / "xdg-cache"))
    command = [NVIM, "--headless", "--clean", "-n", "-c", f"luafile {script}"]
    if TIMEOUT:
        command = [TIMEOUT, "-k", "10", str(SESSION_CEILING_S), *command]
    run = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True,
                         timeout=SESSION_CEILING_S + 30, stdin=subprocess.DEVNULL)
    assert out.is_file(), (f"Neovim wrote no result (exit {run.returncode})\n"
                           f"stdout: {run.stdout[-2000:]}\nstderr: {run.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert result["ok"], f"Lua failed after steps {result['steps']}:\n{result['error']}"
    assert run.returncode == 0, (run.returncode, run.stderr[-2000:])
    result["text_before"] = SQL
    return result


def test_server_starts_and_loads_the_catalog(session: dict[str, Any]) -> None:
    assert session["steps"][-1] == "stopped"
    assert session["offset_encoding"] == "utf-16"
    assert session["catalog_status"]["loaded"] is True
    assert session["exit_code"] == 0, "the server exits cleanly on shutdown"


def test_diagnostics_arrive_with_codes_and_positions(session: dict[str, Any]) -> None:
    found = [(d["code"], d["lnum"], d["col"], d["end_col"]) for d in session["diagnostics"]]
    assert found == [
        ("VG004", 1, 5, 9),    # FROM APTH h: missing NOLOCK
        ("VG005", 4, 20, 25),  # FROM bAPTH x: a base table
        ("VG001", 8, 5, 8),    # JOIN APT: not (yet) an object
    ]
    assert {d["source"] for d in session["diagnostics"]} == {"vgpt2"}


def test_completion_in_a_half_typed_join_is_the_join(session: dict[str, Any]) -> None:
    texts = [item["text"] for item in session["completion"]]
    assert JOIN_APTL in texts[:3], texts
    assert session["after_completion"][-1] == "JOIN " + JOIN_APTL


def test_hover_shows_the_description(session: dict[str, Any]) -> None:
    assert session["hover"].startswith("**APTH** · view · AP (Accounts Payable)")


def test_nolock_quick_fix_applies_and_diagnostics_clear(session: dict[str, Any]) -> None:
    titles = [a["title"] for a in session["actions"]]
    assert "Add WITH (NOLOCK)" in titles
    assert any(t.startswith("Add WITH (NOLOCK) everywhere in this file") for t in titles)
    assert session["after_fix"][1] == "FROM APTH h WITH (NOLOCK)"
    assert session["after_fix"][-1] == "JOIN " + JOIN_APTL
    assert session["cleared"] is True
    assert [d["code"] for d in session["diagnostics_after"]] == ["VG005"]


def test_no_snippet_syntax_for_a_client_without_snippets(session: dict[str, Any]) -> None:
    """Neovim 0.7 declares snippetSupport=false: it must get ``APCO o WITH (NOLOCK)``."""
    assert session["snippet_support"] is False
    assert session["from_completion"], "no completion after FROM"
    for item in session["from_completion"]:
        assert item["format"] != 2 and "${" not in (item["text"] or ""), item
    first = session["from_completion"][0]
    assert re.fullmatch(rf"{first['label']} \w+ WITH \(NOLOCK\)", first["text"]), first
