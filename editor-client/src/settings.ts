/**
 * The `vgpt2.*` editor settings -> what the language server reads (pure; no `vscode` import).
 *
 * The server takes the section `vgpt2` with `catalog` (paths), `rules` (code -> level),
 * `nolockOnCompletion`, `diagnosticsDelayMs`, `model` and `inlineCompletion` (model.ts), as
 * initializationOptions and through
 * workspace/configuration. Client-only settings (serverPath, pythonPath, trace) stay here.
 */

import { type InlineSettings, inlineSettings, type ModelSettings, modelSettings } from "./model";

export type RuleLevel = "error" | "warning" | "info" | "hint" | "off";
export const RULE_LEVELS: readonly RuleLevel[] = ["error", "warning", "info", "hint", "off"];

export interface ServerSettings {
  catalog?: string[];
  rules?: Record<string, string>;
  nolockOnCompletion?: boolean;
  diagnosticsDelayMs?: number;
  model?: ModelSettings;
  inlineCompletion?: InlineSettings;
}

export const CLIENT_ONLY_KEYS = ["serverPath", "pythonPath", "trace"] as const;

/** Anything with `get(key)`, like a `WorkspaceConfiguration`, or a plain object. */
export type SettingsSource = { get(key: string): unknown } | Record<string, unknown> | null | undefined;

function read(source: SettingsSource, key: string): unknown {
  if (source === null || source === undefined) return undefined;
  const getter = (source as { get?: unknown }).get;
  if (typeof getter === "function") return (getter as (k: string) => unknown).call(source, key);
  return (source as Record<string, unknown>)[key];
}

function catalogPaths(value: unknown): string[] | undefined {
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : undefined;
  if (list === undefined) return undefined;
  const paths = list.filter((v): v is string => typeof v === "string").map((v) => v.trim()).filter(Boolean);
  return paths.length > 0 ? paths : undefined;
}

function ruleLevels(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const rules: Record<string, string> = {};
  for (const [code, level] of Object.entries(value as Record<string, unknown>)) {
    if (typeof level !== "string") continue;
    // Codes are upper case (VG004); a wrong level is passed on for the server to report.
    rules[code.trim().toUpperCase()] = level.trim().toLowerCase();
  }
  return Object.keys(rules).length > 0 ? rules : undefined;
}

function toBool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

function toDelay(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) return undefined;
  return Math.min(5000, Math.max(0, Math.round(n)));
}

/**
 * Map the `vgpt2` configuration section to the server's settings. Unset or empty values are
 * left out, so the server falls back to `vgpt2.toml` and its defaults.
 */
export function toServerSettings(source: SettingsSource): ServerSettings {
  const out: ServerSettings = {};
  const catalog = catalogPaths(read(source, "catalog"));
  if (catalog) out.catalog = catalog;
  const rules = ruleLevels(read(source, "rules"));
  if (rules) out.rules = rules;
  const nolock = toBool(read(source, "nolockOnCompletion"));
  if (nolock !== undefined) out.nolockOnCompletion = nolock;
  const delay = toDelay(read(source, "diagnosticsDelayMs"));
  if (delay !== undefined) out.diagnosticsDelayMs = delay;
  const model = modelSettings((key) => read(source, key));
  if (model) out.model = model;
  const inline = inlineSettings((key) => read(source, key));
  if (inline) out.inlineCompletion = inline;
  return out;
}

/** Arguments for `vgpt2 check` that reflect the editor settings the CLI can take. */
export function checkArguments(settings: ServerSettings, folder: string): string[] {
  const args = ["check", "--format", "json"];
  if (settings.catalog && settings.catalog.length === 1) {
    args.push("--catalog", settings.catalog[0]!);
  }
  const off = Object.entries(settings.rules ?? {}).filter(([, level]) => level === "off").map(([code]) => code);
  if (off.length > 0) args.push("--ignore", off.join(","));
  args.push(folder);
  return args;
}
