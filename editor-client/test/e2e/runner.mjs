// Runs test/e2e/suite.ts in a real VS Code, offline: the VS Code server bundled in the npm
// package `code-server`, opened headless in Debian's Chromium through playwright-core, with
// the extension loaded from this folder (extensionDevelopmentPath) and the suite as
// extensionTestsPath. Exits with the suite's exit code.
//
// Environment: NODE24 (node for the VS Code server, default: this node), CHROMIUM (default
// /usr/bin/chromium), VGPT2_VENV (a virtual environment with vgpt2, default ../.venv),
// E2E_TIMEOUT_S (default 900: an upper bound for the whole suite, which normally takes a minute
// or two; every wait inside it ends on its event), E2E_KEEP=1 keeps the temp folder.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const serverMain = path.join(root, "node_modules", "code-server", "lib", "vscode", "out", "server-main.js");
const node = process.env.NODE24 || process.execPath;
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const venv = path.resolve(process.env.VGPT2_VENV || path.join(root, "..", ".venv"));
const timeoutMs = Number(process.env.E2E_TIMEOUT_S || 900) * 1000;
const serverStartMs = 180000; // the VS Code server says when it listens; this is the ceiling
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (line) => console.log(`[e2e ${elapsed()}] ${line}`);

for (const [what, file] of [["VS Code server", serverMain], ["Chromium", chromiumPath], ["suite", path.join(root, "out", "e2e", "suite.js")],
  ["extension bundle", path.join(root, "dist", "extension.js")], ["vgpt2 in the venv", path.join(venv, "bin", "vgpt2")]]) {
  if (!fs.existsSync(file)) {
    console.error(`e2e: ${what} not found at ${file}`);
    process.exit(2);
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vgpt2-e2e-"));
const workspace = path.join(tmp, "workspace");
fs.cpSync(path.join(here, "workspace"), workspace, { recursive: true });
fs.symlinkSync(venv, path.join(workspace, ".venv")); // found by the extension's discovery
const logFile = path.join(tmp, "suite.log");
const requests = path.join(tmp, "requests"); // the suite asks for screenshots and page text here
fs.mkdirSync(requests);

// The test model server (Ollama API, 127.0.0.1), and the workspace settings that use it.
const modelServer = spawn(path.join(venv, "bin", "python"), [path.join(here, "model_server.py")],
  { stdio: ["pipe", "pipe", "inherit"] });
const modelUrl = await new Promise((resolve, reject) => {
  let out = "";
  modelServer.stdout.on("data", (chunk) => {
    out += chunk.toString();
    if (out.includes("\n")) resolve(out.split("\n")[0].trim());
  });
  modelServer.once("exit", (code) => reject(new Error(`the test model server exited (${code})`)));
});
fs.mkdirSync(path.join(workspace, ".vscode"), { recursive: true });
fs.writeFileSync(path.join(workspace, ".vscode", "settings.json"), JSON.stringify({
  "vgpt2.model.backend": "ollama", "vgpt2.model.url": modelUrl, "vgpt2.model.name": "vgpt2-test",
  "vgpt2.inlineCompletion.debounceMs": 0, "vgpt2.inlineCompletion.budgetMs": 60000,
}, null, 2));
const resultsFile = path.join(root, "out", "e2e", "results.json");
fs.rmSync(resultsFile, { force: true });
fs.writeFileSync(logFile, "");

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const xdg = path.join(tmp, "xdg");
const env = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(xdg, "config"),
  XDG_CACHE_HOME: path.join(xdg, "cache"),
  XDG_DATA_HOME: path.join(xdg, "data"),
  XDG_STATE_HOME: path.join(xdg, "state"),
  XDG_RUNTIME_DIR: path.join(xdg, "runtime"),
  EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: "http://127.0.0.1:9/gallery", itemUrl: "http://127.0.0.1:9/item" }),
  VSCODE_CLI_DISABLE_KEYCHAIN_ENCRYPT: "1",
  VGPT2_E2E_LOG: logFile,
  VGPT2_E2E_RESULTS: resultsFile,
  VGPT2_E2E_REQUESTS: requests,
};
for (const dir of ["config", "cache", "data", "state", "runtime"]) fs.mkdirSync(path.join(xdg, dir), { recursive: true, mode: 0o700 });

const serverArgs = [serverMain, "--host", "127.0.0.1", "--port", String(port), "--without-connection-token",
  "--accept-server-license-terms", "--server-data-dir", path.join(tmp, "server-data"),
  "--extensions-dir", path.join(tmp, "extensions"), "--disable-telemetry", "--disable-workspace-trust",
  "--enable-smoke-test-driver", "--disable-update-check", "--skip-requirements-check"];
say(`starting the VS Code server (${node}) on 127.0.0.1:${port}`);
const server = spawn(node, serverArgs, { env, stdio: ["ignore", "pipe", "pipe"] });
let serverOutput = "";
const ready = new Promise((resolve, reject) => {
  const onData = (chunk) => {
    serverOutput += chunk.toString();
    if (/Extension host agent listening on|Web UI available at/.test(serverOutput)) resolve();
  };
  server.stdout.on("data", onData);
  server.stderr.on("data", onData);
  server.once("exit", (code) => reject(new Error(`the VS Code server exited (${code}):\n${serverOutput}`)));
});

let browser;
let exitCode = 1;
const cleanup = async () => {
  if (browser) await browser.close().catch(() => {});
  if (server.exitCode === null) server.kill("SIGTERM");
  if (modelServer.exitCode === null) modelServer.stdin.end();
  if (!process.env.E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  else say(`kept ${tmp}`);
};

try {
  await Promise.race([ready, new Promise((_, r) => setTimeout(() => r(new Error(`the VS Code server did not start within ${serverStartMs / 1000} s:\n${serverOutput}`)), serverStartMs))]);
  say("VS Code server ready; launching Chromium");
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const exited = new Promise((resolve) => {
    // The workbench's console: kept in out/e2e/vscode.log; errors are printed too.
    const consoleLog = path.join(root, "out", "e2e", "vscode.log");
    fs.writeFileSync(consoleLog, "");
    page.exposeFunction("codeAutomationLog", (type, args) => {
      const line = `[${type}] ${(args ?? []).map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")}`;
      fs.appendFileSync(consoleLog, line + "\n");
      // The gallery is pointed at a closed loopback port on purpose: those errors are noise.
      if (type === "error" && !/127\.0\.0\.1:9\b|Service Worker/.test(line)) console.error(`[vscode] ${line}`);
    });
    page.exposeFunction("codeAutomationExit", (code, logs) => {
      const dir = path.join(root, "out", "e2e", "logs");
      fs.rmSync(dir, { recursive: true, force: true });
      for (const { relativePath, contents } of logs ?? []) {
        const file = path.join(dir, relativePath);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, contents);
      }
      resolve(code);
    });
  });
  const authority = `127.0.0.1:${port}`;
  const payload = [
    ["extensionDevelopmentPath", `vscode-remote://${authority}${root}`],
    ["extensionTestsPath", `vscode-remote://${authority}${path.join(root, "out", "e2e", "suite.js")}`],
    ["skipWelcome", "true"],
  ];
  const url = `http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url);
  say("workbench opened; running the suite in the extension host");

  // Follow the suite's log; when it has checked the status bar through the API, read the
  // status bar as drawn in the page too.
  let printed = 0;
  let statusBarSeen;
  let busy = false;
  const follow = setInterval(async () => {
    const text = fs.readFileSync(logFile, "utf8");
    if (text.length > printed) {
      process.stdout.write(text.slice(printed).split("\n").filter(Boolean).map((l) => `  ${l}\n`).join(""));
      printed = text.length;
    }
    if (busy) return;
    busy = true;
    for (const name of fs.readdirSync(requests).filter((n) => n.startsWith("request-")).sort()) {
      const file = path.join(requests, name);
      const ask = JSON.parse(fs.readFileSync(file, "utf8"));
      fs.rmSync(file);
      const answer = { ok: true };
      try {
        if (ask.action === "screenshot") {
          await page.screenshot({ path: path.join(root, "out", "e2e", ask.name) });
        } else if (ask.action === "text") {
          answer.found = (await page.locator(ask.selector).allTextContents()).filter((t) => t.includes(ask.contains));
        }
      } catch (error) {
        answer.ok = false;
        answer.error = String(error);
      }
      fs.writeFileSync(path.join(requests, name.replace("request-", "answer-") + ".tmp"), JSON.stringify(answer));
      fs.renameSync(path.join(requests, name.replace("request-", "answer-") + ".tmp"),
        path.join(requests, name.replace("request-", "answer-")));
    }
    busy = false;
    if (statusBarSeen === undefined && text.includes("# status bar:")) {
      statusBarSeen = "";
      try {
        const items = await page.locator("#workbench\\.parts\\.statusbar .statusbar-item").allTextContents();
        statusBarSeen = items.find((t) => /Vista:/.test(t)) ?? "";
        await page.screenshot({ path: path.join(root, "out", "e2e", "statusbar.png") });
      } catch (error) {
        say(`could not read the status bar: ${error}`);
      }
    }
  }, 200);
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), timeoutMs))]);
  clearInterval(follow);
  const rest = fs.readFileSync(logFile, "utf8").slice(printed);
  if (rest) process.stdout.write(rest.split("\n").filter(Boolean).map((l) => `  ${l}\n`).join(""));
  if (code === "timeout") {
    await page.screenshot({ path: path.join(root, "out", "e2e", "timeout.png") }).catch(() => {});
    console.error(`e2e: timed out after ${timeoutMs / 1000}s (screenshot: out/e2e/timeout.png)\n--- VS Code server output ---\n${serverOutput.slice(-4000)}`);
    exitCode = 1;
  } else {
    exitCode = code;
    if (statusBarSeen) say(`status bar in the page: "${statusBarSeen.trim()}"`);
    else if (code === 0) { say("the status bar item was not found in the page"); exitCode = 1; }
    say(`suite finished with exit code ${code}`);
  }
} catch (error) {
  console.error(`e2e: ${error instanceof Error ? error.stack : error}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
