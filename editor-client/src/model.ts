/**
 * The model side of the status bar and the `vgpt2.model.*` / `vgpt2.inlineCompletion.*`
 * settings (pure; no `vscode` import, so the unit tests run in plain Node).
 *
 * The server reports its model with `vgpt2/modelStatus`
 * (`{backend, model, url, reachable, present, fillInMiddle, message}`).
 */

export interface ModelStatus {
  backend: string;
  model: string | null;
  url: string | null;
  reachable: boolean;
  present: boolean;
  fillInMiddle: boolean;
  message: string;
}

export function isModelStatus(value: unknown): value is ModelStatus {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.backend === "string" && typeof v.reachable === "boolean" && typeof v.message === "string";
}

export interface ModelView {
  /** Appended to the status bar item's text. */
  text: string;
  /** A line for its tooltip. */
  tooltip: string;
  /** The model should answer but does not (unreachable, missing, misconfigured). */
  problem: boolean;
}

/** What the status bar says about the model: its name when it answers, else why not. */
export function modelView(status: ModelStatus | undefined): ModelView | undefined {
  if (status === undefined) return undefined;
  if (status.backend === "off") {
    return { text: "", tooltip: "Model features are off (vgpt2.model.backend).", problem: false };
  }
  if (status.backend === "catalog") {
    return { text: " · $(symbol-structure) no model", tooltip: `Model: ${status.message}`, problem: false };
  }
  const name = status.model ?? "model";
  if (status.reachable && status.present) {
    return { text: ` · $(sparkle) ${name}`, tooltip: `Model: ${status.message}`, problem: false };
  }
  const why = status.reachable ? "missing" : "unreachable";
  return { text: ` · $(warning) ${name} ${why}`, tooltip: `Model: ${status.message}`, problem: true };
}

export interface ModelSettings {
  backend?: string;
  url?: string;
  name?: string;
  numCtx?: number;
  timeoutSeconds?: number;
  apiKeyEnv?: string;
}

export interface InlineSettings {
  enabled?: boolean;
  debounceMs?: number;
  budgetMs?: number;
}

type Reader = (key: string) => unknown;

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function positive(value: unknown, max: number): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) return undefined;
  return Math.min(max, n);
}

function whole(value: unknown, min: number, max: number): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) return undefined;
  return Math.min(max, Math.max(min, Math.round(n)));
}

/** `vgpt2.model.*` -> the server's `model` object; unset keys are left to vgpt2.toml. */
export function modelSettings(read: Reader): ModelSettings | undefined {
  const out: ModelSettings = {};
  const backend = text(read("model.backend"));
  if (backend) out.backend = backend;
  const url = text(read("model.url"));
  if (url) out.url = url;
  const name = text(read("model.name"));
  if (name) out.name = name;
  const numCtx = positive(read("model.numCtx"), 1_048_576);
  if (numCtx !== undefined) out.numCtx = Math.round(numCtx);
  const timeout = positive(read("model.timeoutSeconds"), 3600);
  if (timeout !== undefined) out.timeoutSeconds = timeout;
  const key = text(read("model.apiKeyEnv"));
  if (key) out.apiKeyEnv = key; // the NAME of a variable; the server checks it
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `vgpt2.inlineCompletion.*` -> the server's `inlineCompletion` object. */
export function inlineSettings(read: Reader): InlineSettings | undefined {
  const out: InlineSettings = {};
  const enabled = read("inlineCompletion.enabled");
  if (typeof enabled === "boolean") out.enabled = enabled;
  const debounce = whole(read("inlineCompletion.debounceMs"), 0, 5000);
  if (debounce !== undefined) out.debounceMs = debounce;
  const budget = whole(read("inlineCompletion.budgetMs"), 50, 60000);
  if (budget !== undefined) out.budgetMs = budget;
  return Object.keys(out).length > 0 ? out : undefined;
}
