/**
 * Finding the vgpt2 language server: a pure module (no `vscode` import), unit-tested with
 * plain Node.
 *
 * Order: the `vgpt2.serverPath` setting, the `vgpt2.pythonPath` setting, the workspace
 * folders' virtual environments (`.venv`, `venv`, `env`), an active `VIRTUAL_ENV`, then
 * `PATH`. A setting that names something missing stops the search (and is reported): the
 * user asked for that one.
 */
import * as path from "node:path";

/** How to run the vgpt2 CLI: `command` with `args` before the subcommand (`lsp`, `doctor`). */
export interface ServerCommand {
  command: string;
  args: string[];
  /** Where it was found, for messages and `vgpt2 doctor`-style reports. */
  source: string;
}

export interface DiscoveryInput {
  serverPath?: string;
  pythonPath?: string;
  workspaceFolders: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  /** True when `file` exists as a file (and, off Windows, is executable). */
  isExecutable: (file: string) => boolean;
}

export interface DiscoveryResult {
  found?: ServerCommand;
  /** Every place looked at, in order, for the "not found" message. */
  searched: string[];
  /** A configured path that does not exist: reported, not silently skipped. */
  problems: string[];
}

/** Run the CLI through a Python interpreter (there is no `python -m vgpt2`). */
export const PYTHON_LAUNCH = [
  "-c",
  "import sys; from vgpt2.server.cli.main import run; sys.argv[0] = 'vgpt2'; sys.exit(run())",
];

const VENV_NAMES = [".venv", "venv", "env"];

function isWindows(platform: NodeJS.Platform): boolean {
  return platform === "win32";
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return isWindows(platform) ? path.win32 : path.posix;
}

/** `~` and `${workspaceFolder}` in settings, then relative paths against the first folder. */
export function expandSettingPath(
  value: string,
  workspaceFolders: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
): string {
  const p = pathApi(platform);
  let out = value.trim();
  const first = workspaceFolders[0];
  if (first !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, first);
  }
  const home = env.HOME ?? env.USERPROFILE;
  if (home && (out === "~" || out.startsWith("~/") || out.startsWith("~\\"))) {
    out = p.join(home, out.slice(1));
  }
  if (!p.isAbsolute(out) && first !== undefined && (out.includes("/") || out.includes("\\"))) {
    out = p.resolve(first, out);
  }
  return out;
}

/** The executables a virtual environment folder would hold. */
export function venvCandidates(venv: string, platform: NodeJS.Platform): { vgpt2: string; python: string } {
  const p = pathApi(platform);
  return isWindows(platform)
    ? { vgpt2: p.join(venv, "Scripts", "vgpt2.exe"), python: p.join(venv, "Scripts", "python.exe") }
    : { vgpt2: p.join(venv, "bin", "vgpt2"), python: p.join(venv, "bin", "python") };
}

/** Look `name` up on PATH the way a shell would (PATHEXT on Windows). */
export function whichOnPath(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
  isExecutable: (file: string) => boolean,
): string | undefined {
  const p = pathApi(platform);
  const pathVar = (isWindows(platform) ? (env.Path ?? env.PATH) : env.PATH) ?? "";
  const separator = isWindows(platform) ? ";" : ":";
  const extensions = isWindows(platform)
    ? (env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter(Boolean)
    : [""];
  for (const dir of pathVar.split(separator)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const candidate = p.join(dir, name + ext.toLowerCase());
      if (isExecutable(candidate)) return candidate;
      if (ext && isExecutable(p.join(dir, name + ext))) return p.join(dir, name + ext);
    }
  }
  return undefined;
}

/** A command from an explicit path: the vgpt2 executable, or a Python interpreter. */
function fromExecutable(file: string, source: string, platform: NodeJS.Platform): ServerCommand {
  const base = pathApi(platform).basename(file).toLowerCase();
  if (/^python(\d+(\.\d+)?)?(w)?(\.exe)?$/.test(base)) {
    return { command: file, args: [...PYTHON_LAUNCH], source };
  }
  return { command: file, args: [], source };
}

export function findServer(input: DiscoveryInput): DiscoveryResult {
  const { platform, env, isExecutable, workspaceFolders } = input;
  const p = pathApi(platform);
  const searched: string[] = [];
  const problems: string[] = [];

  const serverPath = input.serverPath?.trim();
  if (serverPath) {
    const file = expandSettingPath(serverPath, workspaceFolders, env, platform);
    searched.push(`vgpt2.serverPath (${file})`);
    if (isExecutable(file)) {
      return { found: fromExecutable(file, "setting vgpt2.serverPath", platform), searched, problems };
    }
    const onPath = p.isAbsolute(file) ? undefined : whichOnPath(file, env, platform, isExecutable);
    if (onPath) {
      return { found: fromExecutable(onPath, "setting vgpt2.serverPath", platform), searched, problems };
    }
    // An explicit setting that is wrong is reported, not replaced by another vgpt2.
    problems.push(`vgpt2.serverPath is set to '${serverPath}', which is not an executable file`);
    return { searched, problems };
  }

  const pythonPath = input.pythonPath?.trim();
  if (pythonPath) {
    const file = expandSettingPath(pythonPath, workspaceFolders, env, platform);
    searched.push(`vgpt2.pythonPath (${file})`);
    const resolved = isExecutable(file)
      ? file
      : p.isAbsolute(file) ? undefined : whichOnPath(file, env, platform, isExecutable);
    if (resolved) {
      return {
        found: { command: resolved, args: [...PYTHON_LAUNCH], source: "setting vgpt2.pythonPath" },
        searched,
        problems,
      };
    }
    problems.push(`vgpt2.pythonPath is set to '${pythonPath}', which is not an executable file`);
    return { searched, problems };
  }

  for (const folder of workspaceFolders) {
    for (const name of VENV_NAMES) {
      const venv = p.join(folder, name);
      const { vgpt2 } = venvCandidates(venv, platform);
      searched.push(vgpt2);
      if (isExecutable(vgpt2)) {
        return { found: { command: vgpt2, args: [], source: `virtual environment ${venv}` }, searched, problems };
      }
    }
  }

  // An activated virtual environment (VIRTUAL_ENV) is searched before the rest of PATH.
  const active = env.VIRTUAL_ENV;
  if (active) {
    const { vgpt2 } = venvCandidates(active, platform);
    searched.push(vgpt2);
    if (isExecutable(vgpt2)) {
      return { found: { command: vgpt2, args: [], source: `active virtual environment ${active}` }, searched, problems };
    }
  }

  searched.push("vgpt2 on PATH");
  const onPath = whichOnPath("vgpt2", env, platform, isExecutable);
  if (onPath) {
    return { found: { command: onPath, args: [], source: "PATH" }, searched, problems };
  }
  return { searched, problems };
}

/** The message shown when no server is found. */
export function notFoundMessage(result: DiscoveryResult): string {
  const lead = result.problems.length > 0
    ? result.problems.join("; ") + "."
    : "The vgpt2 language server was not found.";
  return `${lead} Install vgpt2 into the workspace's virtual environment (.venv) or on PATH, `
    + "or set vgpt2.serverPath / vgpt2.pythonPath.";
}

export const INSTALL_INSTRUCTIONS = [
  "# Installing the vgpt2 language server",
  "",
  "The extension runs `vgpt2 lsp` (Python 3.11 or later). Install vgpt2 into a virtual",
  "environment in your workspace folder; the extension finds `.venv`, `venv` or `env` by itself:",
  "",
  "Linux / macOS:",
  "",
  "    python3 -m venv .venv",
  "    .venv/bin/pip install /path/to/vgpt2        # a checkout of the vgpt2 repository",
  "",
  "Windows (PowerShell):",
  "",
  "    py -3.12 -m venv .venv",
  "    .venv\\Scripts\\pip install C:\\path\\to\\vgpt2",
  "",
  "Or put `vgpt2` on PATH, or point the settings at it:",
  "",
  "- `vgpt2.serverPath`: the `vgpt2` executable (e.g. `/opt/vgpt2/.venv/bin/vgpt2`);",
  "- `vgpt2.pythonPath`: a Python interpreter that has vgpt2 installed.",
  "",
  "Then run **vgpt2: Restart language server** (or reload the window), and **vgpt2: Run doctor**",
  "to see the catalog it loads.",
  "",
].join("\n");
