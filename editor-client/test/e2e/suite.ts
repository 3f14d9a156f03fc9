/**
 * End-to-end tests, run inside a real VS Code extension host (see runner.mjs): the extension
 * starts `vgpt2 lsp` from the workspace's .venv and serves the bundled sample catalog.
 * VS Code loads this file from `extensionTestsPath` and calls `run()`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as vscode from "vscode";
import type { Vgpt2Api } from "../../src/extension";

type Result = { name: string; ok: boolean; ms: number; error?: string };

function log(line: string): void {
  console.log(line);
  const file = process.env.VGPT2_E2E_LOG;
  if (file) fs.appendFileSync(file, line + "\n");
}

/** Every wait ends as soon as its event comes; this is only the upper bound, generous enough
 * for a busy machine (a 2-core CI runner shared with other builds), reached only on a failure. */
const CEILING_MS = 120000;

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = CEILING_MS): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}

function codeOf(d: vscode.Diagnostic): string {
  const code = d.code;
  if (code === undefined) return "";
  return typeof code === "object" ? String(code.value) : String(code);
}

function vgpt2Diagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === "vgpt2");
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents).map((c) => (typeof c === "string" ? c : c.value)).join("\n");
}

let asked = 0;

/** Ask the runner (which drives the page through Playwright) for a screenshot or the text
 * of page elements; its answer comes back as a file. */
async function askRunner(request: Record<string, string>): Promise<{ ok: boolean; found?: string[]; error?: string }> {
  const dir = process.env.VGPT2_E2E_REQUESTS;
  assert.ok(dir, "VGPT2_E2E_REQUESTS is set by runner.mjs");
  asked += 1;
  const name = `${String(asked).padStart(4, "0")}.json`;
  fs.writeFileSync(`${dir}/request-${name}.tmp`, JSON.stringify(request));
  fs.renameSync(`${dir}/request-${name}.tmp`, `${dir}/request-${name}`);
  const answer = await waitFor(`the runner's answer to ${request.action}`, () =>
    fs.existsSync(`${dir}/answer-${name}`) ? fs.readFileSync(`${dir}/answer-${name}`, "utf8") : undefined);
  return JSON.parse(answer) as { ok: boolean; found?: string[]; error?: string };
}

async function openAt(uri: vscode.Uri, content: string, line: number, character: number): Promise<vscode.TextEditor> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc);
  const where = new vscode.Position(line, character);
  editor.selection = new vscode.Selection(where, where);
  return editor;
}

export async function run(): Promise<void> {
  const results: Result[] = [];
  const test = async (name: string, body: () => Promise<void>) => {
    const start = Date.now();
    try {
      await body();
      results.push({ name, ok: true, ms: Date.now() - start });
      log(`ok - ${name} (${Date.now() - start} ms)`);
    } catch (error) {
      const message = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
      results.push({ name, ok: false, ms: Date.now() - start, error: message });
      log(`not ok - ${name}: ${message}`);
    }
  };

  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the test workspace is open");
  const reportUri = vscode.Uri.joinPath(folder.uri, "report.sql");
  let api: Vgpt2Api | undefined;
  let report: vscode.TextDocument | undefined;

  await test("activates on a .sql file and starts the server from the workspace .venv", async () => {
    report = await vscode.workspace.openTextDocument(reportUri);
    await vscode.window.showTextDocument(report);
    const extension = await waitFor("the vgpt2 extension", () => vscode.extensions.getExtension<Vgpt2Api>("vgpt2.vgpt2"));
    api = await waitFor("activation", () => (extension.isActive ? extension.exports : undefined));
    const server = api.server();
    assert.ok(server, "a server command was found");
    assert.match(server.source, /virtual environment .*\.venv/);
  });

  await test("status bar reports the catalog (vgpt2/catalogStatus)", async () => {
    assert.ok(api);
    const status = await Promise.race([
      api.whenCatalogStatus(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no vgpt2/catalogStatus within ${CEILING_MS / 1000} s`)), CEILING_MS)),
    ]);
    assert.equal(status.loaded, true, status.message);
    assert.ok(status.objects > 100, `objects: ${status.objects}`);
    const text = api.statusBarText();
    assert.match(text, /Vista: [\d,]+ objects/);
    assert.ok(text.includes(status.objects.toLocaleString("en-US")), text);
    log(`# status bar: ${text}; ${status.message}`);
  });

  await test("diagnostics appear with rule codes", async () => {
    const diags = await waitFor("vgpt2 diagnostics on report.sql", () => {
      const d = vgpt2Diagnostics(reportUri);
      return d.length > 0 ? d : undefined;
    });
    const codes = diags.map(codeOf);
    log(`# diagnostics: ${diags.map((d) => `${codeOf(d)} ${d.message}`).join(" | ")}`);
    assert.ok(codes.includes("VG004"), `codes: ${codes.join(", ")}`);
    assert.ok(codes.includes("VG005"), `codes: ${codes.join(", ")}`);
    const vg004 = diags.find((d) => codeOf(d) === "VG004")!;
    assert.equal(typeof vg004.code === "object" ? vg004.code.target.toString().length > 0 : false, true,
      "the code links to the rule's docs");
  });

  await test("hover shows an object's description", async () => {
    assert.ok(report);
    const offset = report.getText().indexOf("bAPTH") + 2;
    const hovers = await waitFor("a hover", async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>("vscode.executeHoverProvider", reportUri,
        report!.positionAt(offset));
      return h && h.length > 0 ? h : undefined;
    });
    const text = hoverText(hovers);
    log(`# hover: ${text.slice(0, 160).replace(/\n/g, " ")}`);
    assert.match(text, /AP transaction header/);
  });

  await test("a NOLOCK quick fix edits the document", async () => {
    assert.ok(report);
    const diag = vgpt2Diagnostics(reportUri).find((d) => codeOf(d) === "VG004");
    assert.ok(diag, "a VG004 diagnostic");
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider",
      reportUri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    const fix = actions.find((a) => /NOLOCK/.test(a.title) && a.kind?.value === "quickfix");
    assert.ok(fix?.edit, `quick fixes: ${titles.join(" | ")}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(report.getText(), /FROM bAPTH h WITH \(NOLOCK\)/);
    await waitFor("VG004 to go away after the fix", () =>
      vgpt2Diagnostics(reportUri).some((d) => codeOf(d) === "VG004") ? undefined : true);
  });

  await test("completion after FROM offers views, with NOLOCK (untitled document)", async () => {
    const doc = await vscode.workspace.openTextDocument({ language: "sql", content: "SELECT * FROM " });
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.uri.scheme, "untitled");
    const list = await waitFor("completion items", async () => {
      const l = await vscode.commands.executeCommand<vscode.CompletionList>("vscode.executeCompletionItemProvider",
        doc.uri, new vscode.Position(0, 14));
      return l && l.items.some((i) => (typeof i.label === "string" ? i.label : i.label.label) === "APTH") ? l : undefined;
    });
    const apth = list.items.find((i) => (typeof i.label === "string" ? i.label : i.label.label) === "APTH")!;
    assert.equal(apth.kind, vscode.CompletionItemKind.Class, "views are offered as classes");
    const insert = apth.textEdit?.newText ?? (typeof apth.insertText === "string" ? apth.insertText : apth.insertText?.value);
    assert.match(String(insert), /WITH \(NOLOCK\)/);
    const views = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Class).length;
    log(`# completion: ${list.items.length} items, ${views} views; APTH inserts ${String(insert)}`);
    // Diagnostics work on untitled documents too.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(0, 14), "bAPTH");
    await vscode.workspace.applyEdit(edit);
    await waitFor("diagnostics on the untitled document", () =>
      vgpt2Diagnostics(doc.uri).some((d) => codeOf(d) === "VG005") ? true : undefined);
    await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
  });

  await test("settings change live: vgpt2.rules turns VG005 off", async () => {
    const config = vscode.workspace.getConfiguration("vgpt2");
    await config.update("rules", { VG005: "off" }, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor("VG005 to disappear", () =>
        vgpt2Diagnostics(reportUri).some((d) => codeOf(d) === "VG005") ? undefined : true);
    } finally {
      await config.update("rules", undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor("VG005 to come back", () =>
      vgpt2Diagnostics(reportUri).some((d) => codeOf(d) === "VG005") ? true : undefined);
  });

  await test("commands: show object, doctor, reload catalog, check workspace", async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument | undefined>("vgpt2.client.showObject", "APTH");
    assert.ok(doc, "a document");
    assert.equal(doc.uri.scheme, "vgpt2-object");
    assert.equal(doc.languageId, "sql");
    assert.match(doc.getText(), /APTH/);
    assert.equal(vgpt2Diagnostics(doc.uri).length, 0, "the rendering is not checked");
    const doctor = await vscode.commands.executeCommand<string>("vgpt2.client.doctor");
    assert.match(doctor, /catalog/i);
    const reloaded = await vscode.commands.executeCommand<{ loaded: boolean; objects: number }>("vgpt2.client.reloadCatalog");
    assert.equal(reloaded?.loaded, true);
    await vscode.commands.executeCommand("workbench.action.closeActiveEditor");
    const total = await vscode.commands.executeCommand<number>("vgpt2.client.checkWorkspace");
    assert.ok(typeof total === "number" && total >= 1, `findings: ${total}`);
  });

  await test("the status bar shows the model (vgpt2/modelStatus)", async () => {
    assert.ok(api);
    const model = await waitFor("a reachable model", () => api!.modelStatus()?.reachable ? api!.modelStatus() : undefined);
    assert.equal(model.present, true, model.message);
    await waitFor("the model's name in the status bar", () => /vgpt2-test/.test(api!.statusBarText()) ? true : undefined);
    log(`# status bar with the model: ${api.statusBarText()}`);
  });

  await test("generate a query from a comment (the test model server answers)", async () => {
    const comment = "-- AP invoice references, vendors and totals for company 1";
    const editor = await openAt(vscode.Uri.joinPath(folder.uri, "generated.sql"), `${comment}\n`, 0, 10);
    const result = await vscode.commands.executeCommand<{ inserted: boolean; message: string }>(
      "vgpt2.client.generateFromComment");
    assert.equal(result?.inserted, true, JSON.stringify(result));
    const text = await waitFor("the query below the comment", () =>
      /FROM APTH h WITH \(NOLOCK\)/.test(editor.document.getText()) ? editor.document.getText() : undefined);
    const lines = text.split("\n");
    assert.equal(lines[0], comment, "the comment is untouched");
    assert.match(lines[1] ?? "", /^SELECT h\.APRef, h\.Vendor, h\.InvTotal/);
    log(`# generated:\n${text}`);
    await waitFor("diagnostics of the generated query", () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri);
      return d.every((x) => x.severity !== vscode.DiagnosticSeverity.Error) ? true : undefined;
    });
    const shot = await askRunner({ action: "screenshot", name: "generated-query.png" });
    assert.ok(shot.ok, shot.error);
    await vscode.commands.executeCommand("workbench.action.files.save");
  });

  await test("a refusal is shown as a notification and nothing is inserted", async () => {
    const content = "-- the weather on Mars last Tuesday\n";
    const editor = await openAt(vscode.Uri.joinPath(folder.uri, "refused.sql"), content, 0, 8);
    const result = await vscode.commands.executeCommand<{ inserted: boolean; message: string }>(
      "vgpt2.client.generateFromComment");
    assert.equal(result?.inserted, false, JSON.stringify(result));
    // The toast, or the notification centre's list (opened here) and its screen-reader alert.
    await vscode.commands.executeCommand("notifications.showList");
    const shown = await waitFor("the refusal notification", async () => {
      const answer = await askRunner({ action: "text", contains: "No SQL",
        selector: ".notifications-toasts, .notifications-center, .monaco-alert, [role=alert], [role=dialog]" });
      return answer.found && answer.found.length > 0 ? answer.found : undefined;
    });
    log(`# notification: ${shown[0]!.slice(0, 200)}`);
    assert.match(shown[0]!, /weather/);
    assert.equal(editor.document.getText(), content, "nothing was inserted");
  });

  await test("an inline suggestion appears and is accepted", async () => {
    const content = "SELECT h.APRef\nFROM APTH h WITH (NOLOCK)\nWHERE ";
    const editor = await openAt(vscode.Uri.joinPath(folder.uri, "inline.sql"), content, 2, 6);
    await waitFor("the suggestion accepted", async () => {
      editor.selection = new vscode.Selection(new vscode.Position(2, 6), new vscode.Position(2, 6));
      await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
      await new Promise((r) => setTimeout(r, 1000));
      await vscode.commands.executeCommand("editor.action.inlineSuggest.commit");
      return editor.document.getText().includes("WHERE h.Vendor = 1") ? true : undefined;
    });
    log(`# after accepting the inline suggestion: ${editor.document.getText().replace(/\n/g, " | ")}`);
  });

  await test("a missing server is reported in the status bar, and a fixed path restarts it", async () => {
    assert.ok(api);
    const config = vscode.workspace.getConfiguration("vgpt2");
    await config.update("serverPath", "/nonexistent/vgpt2", vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor("'server not found' in the status bar", () => /server not found/.test(api!.statusBarText()) ? true : undefined);
      assert.equal(api.server(), undefined);
    } finally {
      await config.update("serverPath", undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor("the restarted server's catalog", () => /Vista: [\d,]+ objects/.test(api!.statusBarText()) ? true : undefined);
    await waitFor("diagnostics from the restarted server", () => vgpt2Diagnostics(reportUri).length > 0 ? true : undefined);
  });

  const failed = results.filter((r) => !r.ok);
  log(`${results.length - failed.length} passed, ${failed.length} failed`);
  if (process.env.VGPT2_E2E_RESULTS) fs.writeFileSync(process.env.VGPT2_E2E_RESULTS, JSON.stringify(results, null, 2));
  if (failed.length > 0) throw new Error(`${failed.length} end-to-end test(s) failed: ${failed.map((f) => f.name).join("; ")}`);
}
