/**
 * The VS Code side of vgpt2: starts `vgpt2 lsp` over stdio and adds commands, a status bar
 * item and settings around it. The logic worth testing lives in discovery.ts, settings.ts and
 * status.ts, which do not import `vscode`.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { type DiscoveryResult, findServer, INSTALL_INSTRUCTIONS, notFoundMessage, type ServerCommand } from "./discovery";
import { isModelStatus, type ModelStatus, modelView } from "./model";
import { checkArguments, toServerSettings } from "./settings";
import {
  type CatalogStatus,
  groupByFile,
  isCatalogStatus,
  parseCheckOutput,
  statusView,
  summary,
  toZeroBased,
} from "./status";

const OBJECT_SCHEME = "vgpt2-object";
const DOC_SELECTOR = [
  { scheme: "file", language: "sql" },
  { scheme: "untitled", language: "sql" },
];

/** What `activate` returns: used by the end-to-end tests, handy for other extensions. */
export interface Vgpt2Api {
  client(): LanguageClient | undefined;
  catalogStatus(): CatalogStatus | undefined;
  statusBarText(): string;
  server(): ServerCommand | undefined;
  /** Resolves once a `vgpt2/catalogStatus` notification arrived after the latest (re)start. */
  whenCatalogStatus(): Promise<CatalogStatus>;
  modelStatus(): ModelStatus | undefined;
  /** Resolves with the next `vgpt2/modelStatus` (or the last one, if any arrived). */
  whenModelStatus(): Promise<ModelStatus>;
}

let client: LanguageClient | undefined;
let server: ServerCommand | undefined;
let lastStatus: CatalogStatus | undefined;
let statusWaiters: ((s: CatalogStatus) => void)[] = [];
let lastModel: ModelStatus | undefined;
let modelWaiters: ((s: ModelStatus) => void)[] = [];
let statusItem: vscode.StatusBarItem;
let output: vscode.LogOutputChannel;
let checkProblems: vscode.DiagnosticCollection;
const objectTexts = new Map<string, string>();

function isExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return false;
    if (process.platform !== "win32") fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function discover(): DiscoveryResult {
  const config = vscode.workspace.getConfiguration("vgpt2");
  return findServer({
    serverPath: config.get<string>("serverPath"),
    pythonPath: config.get<string>("pythonPath"),
    workspaceFolders: (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === "file")
      .map((f) => f.uri.fsPath),
    env: process.env,
    platform: process.platform,
    isExecutable,
  });
}

function serverSettings() {
  return toServerSettings(vscode.workspace.getConfiguration("vgpt2"));
}

function showStatus(status: CatalogStatus | undefined, notFound?: string): void {
  if (notFound !== undefined) {
    statusItem.text = "$(error) vgpt2: server not found";
    statusItem.tooltip = `${notFound}\nClick for how to install.`;
    statusItem.command = "vgpt2.client.howToInstall";
    statusItem.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
  } else {
    const view = statusView(status);
    const model = modelView(lastModel);
    statusItem.text = view.text + (model?.text ?? "");
    statusItem.tooltip = model?.tooltip ? `${view.tooltip}\n${model.tooltip}` : view.tooltip;
    statusItem.command = "vgpt2.client.doctor";
    statusItem.backgroundColor = view.error || model?.problem
      ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
  }
  statusItem.show();
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const result = discover();
  server = result.found;
  if (server === undefined) {
    const message = notFoundMessage(result);
    output.appendLine(`${message}\nSearched: ${result.searched.join(", ")}`);
    showStatus(undefined, message);
    void vscode.window.showErrorMessage(`vgpt2: ${message}`, "How to install", "Open settings").then((choice) => {
      if (choice === "How to install") void vscode.commands.executeCommand("vgpt2.client.howToInstall");
      if (choice === "Open settings") void vscode.commands.executeCommand("workbench.action.openSettings", "vgpt2.");
    });
    return;
  }
  output.appendLine(`Starting ${server.command} ${[...server.args, "lsp", "--stdio"].join(" ")} (from ${server.source})`);
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === "file");
  const serverOptions: ServerOptions = {
    command: server.command,
    args: [...server.args, "lsp"],
    transport: TransportKind.stdio, // appends --stdio, which `vgpt2 lsp` accepts
    options: { cwd: folder?.uri.fsPath, env: { ...process.env, PYTHONUNBUFFERED: "1" } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOC_SELECTOR,
    outputChannel: output,
    initializationOptions: () => ({ vgpt2: serverSettings() }),
    synchronize: {
      configurationSection: "vgpt2", // didChangeConfiguration on every vgpt2.* change
    },
    middleware: {
      workspace: {
        // The server asks for the section `vgpt2`: answer with the mapped settings.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return params.items.map((item, i) =>
            item.section === "vgpt2" ? serverSettings() : answers[i]);
        },
      },
    },
  };
  const next = new LanguageClient("vgpt2", "vgpt2 (Vista SQL)", serverOptions, clientOptions);
  next.registerProposedFeatures();
  client = next;
  lastStatus = undefined;
  showStatus(undefined);
  context.subscriptions.push(next.onNotification("vgpt2/catalogStatus", (params: unknown) => {
    if (!isCatalogStatus(params)) return;
    lastStatus = params;
    showStatus(params);
    const waiters = statusWaiters;
    statusWaiters = [];
    for (const w of waiters) w(params);
  }));
  lastModel = undefined;
  context.subscriptions.push(next.onNotification("vgpt2/modelStatus", (params: unknown) => {
    if (!isModelStatus(params)) return;
    lastModel = params;
    showStatus(lastStatus);
    const waiters = modelWaiters;
    modelWaiters = [];
    for (const w of waiters) w(params);
  }));
  next.onDidChangeState((e) => {
    if (e.newState === State.Stopped && client === next) {
      statusItem.text = "$(debug-disconnect) vgpt2: stopped";
      statusItem.tooltip = "The vgpt2 language server stopped. Click to run vgpt2 doctor.";
    }
  });
  try {
    await next.start();
  } catch (error) {
    output.appendLine(`The language server failed to start: ${String(error)}`);
    showStatus({ loaded: false, objects: 0, message: `the language server failed to start: ${String(error)}` });
    void vscode.window.showErrorMessage(`vgpt2: the language server failed to start (${server.command}). See the output.`,
      "Show output").then((c) => { if (c) output.show(); });
  }
}

async function stopClient(): Promise<void> {
  const current = client;
  client = undefined;
  if (current !== undefined) {
    try {
      await current.stop();
    } catch (error) {
      output.appendLine(`Stopping the server: ${String(error)}`);
    }
  }
}

async function serverCommand<T>(command: string, args: unknown[] = []): Promise<T | undefined> {
  if (client === undefined || !client.isRunning()) return undefined;
  return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T;
}

function runCli(args: string[], cwd: string | undefined): Promise<{ code: number; stdout: string; stderr: string }> {
  const cmd = server;
  if (cmd === undefined) return Promise.reject(new Error(notFoundMessage(discover())));
  return new Promise((resolve, reject) => {
    execFile(cmd.command, [...cmd.args, ...args], { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => {
        const code = error && typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 0;
        if (error && typeof (error as { code?: unknown }).code !== "number") reject(error);
        else resolve({ code, stdout, stderr });
      });
  });
}

async function doctor(): Promise<string> {
  let text = await serverCommand<string>("vgpt2.doctor");
  if (typeof text !== "string") {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    try {
      const run = await runCli(["doctor"], folder);
      text = run.stdout + run.stderr;
    } catch (error) {
      text = `vgpt2 doctor could not run: ${String(error)}`;
    }
  }
  output.appendLine("");
  output.appendLine(`── vgpt2 doctor (${new Date().toLocaleTimeString()}) ──`);
  output.appendLine(text);
  output.show(true);
  return text;
}

async function showObject(name?: string): Promise<vscode.TextDocument | undefined> {
  const wanted = name ?? await vscode.window.showInputBox({
    title: "vgpt2: Show catalog object",
    prompt: "A table, view, procedure or function name (e.g. APTH)",
    validateInput: (v) => (v.trim() ? undefined : "Type an object name"),
  });
  if (!wanted?.trim()) return undefined;
  if (client === undefined) {
    void vscode.window.showErrorMessage("vgpt2: the language server is not running.");
    return undefined;
  }
  const text = await serverCommand<string | null>("vgpt2.showObject", [wanted.trim()]);
  if (typeof text !== "string") {
    void vscode.window.showWarningMessage(`vgpt2: no object named '${wanted.trim()}' in the catalog.`);
    return undefined;
  }
  const safe = wanted.trim().replace(/[^A-Za-z0-9_.-]/g, "_");
  const uri = vscode.Uri.from({ scheme: OBJECT_SCHEME, path: `/${safe}.sql` });
  objectTexts.set(uri.toString(), text);
  objectChanged.fire(uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, "sql");
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}

const objectChanged = new vscode.EventEmitter<vscode.Uri>();

/**
 * "vgpt2: Generate query from comment": the server generates from the comment at the cursor
 * and inserts the query below it through workspace/applyEdit (one undoable edit), with
 * progress in the status bar; a refusal or an error comes back as a notification.
 */
async function generateFromComment(): Promise<{ inserted: boolean; message: string } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.document.languageId !== "sql") {
    void vscode.window.showInformationMessage("vgpt2: open a SQL file and put the cursor on a comment that describes the query.");
    return undefined;
  }
  if (client === undefined || !client.isRunning()) {
    void vscode.window.showErrorMessage("vgpt2: the language server is not running.");
    return undefined;
  }
  const where = editor.selection.active;
  return serverCommand<{ inserted: boolean; message: string }>("vgpt2.generateFromComment", [
    editor.document.uri.toString(), { line: where.line, character: where.character }]);
}

async function checkWorkspace(): Promise<number> {
  checkProblems.clear();
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file");
  if (folders.length === 0) {
    void vscode.window.showInformationMessage("vgpt2: open a folder to check its .sql files.");
    return 0;
  }
  let total = 0;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: "vgpt2: checking SQL files" }, async () => {
    for (const folder of folders) {
      const root = folder.uri.fsPath;
      let run;
      try {
        run = await runCli(checkArguments(serverSettings(), "."), root);
      } catch (error) {
        output.appendLine(`vgpt2 check failed in ${root}: ${String(error)}`);
        continue;
      }
      if (run.code === 2 || !run.stdout.trim()) {
        output.appendLine(`vgpt2 check in ${root} (exit ${run.code}):\n${run.stderr || run.stdout}`);
        if (run.code === 2) continue;
      }
      let findings;
      try {
        findings = parseCheckOutput(run.stdout || "[]");
      } catch (error) {
        output.appendLine(`vgpt2 check printed something unexpected: ${String(error)}`);
        continue;
      }
      const byFile = groupByFile(findings, (p) => path.resolve(root, p));
      const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
      for (const [file, list] of byFile) {
        const uri = vscode.Uri.file(file);
        if (open.has(uri.toString()) && client !== undefined) continue; // the server checks it live
        checkProblems.set(uri, list.map((f) => {
          const r = toZeroBased(f);
          const d = new vscode.Diagnostic(new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter),
            f.message, severity(f.severity));
          d.code = f.code;
          d.source = "vgpt2 check";
          return d;
        }));
      }
      total += findings.length;
      output.appendLine(`${summary(findings, byFile.size)} (${root})`);
    }
  });
  void vscode.window.showInformationMessage(total === 0 ? "vgpt2: no findings in the workspace."
    : `vgpt2: ${total} finding${total === 1 ? "" : "s"} in the workspace; see the Problems panel.`);
  return total;
}

function severity(level: string): vscode.DiagnosticSeverity {
  switch (level) {
    case "error": return vscode.DiagnosticSeverity.Error;
    case "warning": return vscode.DiagnosticSeverity.Warning;
    case "info": return vscode.DiagnosticSeverity.Information;
    default: return vscode.DiagnosticSeverity.Hint;
  }
}

function howToInstall(): void {
  output.appendLine(INSTALL_INSTRUCTIONS);
  output.show(true);
  void vscode.workspace.openTextDocument({ language: "markdown", content: INSTALL_INSTRUCTIONS })
    .then((doc) => vscode.commands.executeCommand("markdown.showPreview", doc.uri).then(undefined,
      () => vscode.window.showTextDocument(doc)));
}

export async function activate(context: vscode.ExtensionContext): Promise<Vgpt2Api> {
  output = vscode.window.createOutputChannel("vgpt2", { log: true });
  statusItem = vscode.window.createStatusBarItem("vgpt2.catalog", vscode.StatusBarAlignment.Right, 100);
  statusItem.name = "vgpt2 catalog";
  checkProblems = vscode.languages.createDiagnosticCollection("vgpt2-check");
  context.subscriptions.push(output, statusItem, checkProblems, objectChanged);

  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(OBJECT_SCHEME, {
    onDidChange: objectChanged.event,
    provideTextDocumentContent: (uri) => objectTexts.get(uri.toString()) ?? "-- reopen with vgpt2: Show catalog object",
  }));

  const register = (id: string, fn: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  register("vgpt2.client.reloadCatalog", async () => {
    const status = await serverCommand<CatalogStatus>("vgpt2.reloadCatalog");
    if (status === undefined) void vscode.window.showErrorMessage("vgpt2: the language server is not running.");
    return status;
  });
  register("vgpt2.client.showObject", (name?: string) => showObject(typeof name === "string" ? name : undefined));
  register("vgpt2.client.doctor", () => doctor());
  register("vgpt2.client.checkWorkspace", () => checkWorkspace());
  register("vgpt2.client.howToInstall", () => howToInstall());
  register("vgpt2.client.generateFromComment", () => generateFromComment());
  register("vgpt2.client.restartServer", async () => {
    await stopClient();
    await startClient(context);
  });

  // A document opened or edited is checked live by the server: drop its batch results.
  context.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => checkProblems.delete(e.document.uri)));

  // Where to find the server changed: start it again.
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (e) => {
    if (e.affectsConfiguration("vgpt2.serverPath") || e.affectsConfiguration("vgpt2.pythonPath")) {
      await stopClient();
      await startClient(context);
    }
  }));

  await startClient(context);

  return {
    client: () => client,
    catalogStatus: () => lastStatus,
    statusBarText: () => statusItem.text,
    server: () => server,
    whenCatalogStatus: () => lastStatus !== undefined
      ? Promise.resolve(lastStatus)
      : new Promise((resolve) => statusWaiters.push(resolve)),
    modelStatus: () => lastModel,
    whenModelStatus: () => lastModel !== undefined
      ? Promise.resolve(lastModel)
      : new Promise((resolve) => modelWaiters.push(resolve)),
  };
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
