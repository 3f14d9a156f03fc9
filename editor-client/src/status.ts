/** Catalog status -> status bar text, and `vgpt2 check --format json` -> problems (pure). */

export interface CatalogStatus {
  loaded: boolean;
  objects: number;
  message: string;
  /** The catalog in use is the bundled sample, not the shop's own schema (older servers omit it). */
  sample?: boolean;
  /** The sample stands in for a configured catalog that could not be loaded. */
  fallback?: boolean;
}

export interface StatusView {
  text: string;
  tooltip: string;
  error: boolean;
}

export function isCatalogStatus(value: unknown): value is CatalogStatus {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.loaded === "boolean" && typeof v.objects === "number" && typeof v.message === "string";
}

export function statusView(status: CatalogStatus | undefined): StatusView {
  if (status === undefined) {
    return { text: "$(sync~spin) Vista catalog", tooltip: "vgpt2: loading the Vista catalog…", error: false };
  }
  if (status.loaded) {
    const count = status.objects.toLocaleString("en-US");
    // A report writer must see at a glance that names are checked against the sample, not
    // the shop's schema: a fallback (their catalog failed to load) is a warning.
    const sample = status.sample || status.fallback ? " (sample)" : "";
    return {
      text: `${status.fallback ? "$(warning)" : "$(database)"} Vista: ${count} objects${sample}`,
      tooltip: `vgpt2: ${status.message}\nClick to run vgpt2 doctor.`,
      error: status.fallback === true,
    };
  }
  return {
    text: "$(warning) Vista: no catalog",
    tooltip: `vgpt2: ${status.message || "the catalog is not loaded"}\nClick to run vgpt2 doctor.`,
    error: true,
  };
}

export interface CheckEdit {
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  new_text: string;
}

/** One finding of `vgpt2 check --format json` (1-based lines and columns, end exclusive). */
export interface CheckFinding {
  path: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  code: string;
  name?: string;
  severity: string;
  message: string;
  fixes?: { title: string; edits: CheckEdit[] }[];
}

export interface ZeroBasedRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export function parseCheckOutput(stdout: string): CheckFinding[] {
  const data: unknown = JSON.parse(stdout);
  if (!Array.isArray(data)) throw new Error("vgpt2 check --format json did not print a list");
  return data.filter((f): f is CheckFinding => {
    if (f === null || typeof f !== "object") return false;
    const o = f as Record<string, unknown>;
    return typeof o.path === "string" && typeof o.line === "number" && typeof o.code === "string";
  });
}

export function toZeroBased(f: CheckFinding): ZeroBasedRange {
  const startLine = Math.max(0, f.line - 1);
  const startCharacter = Math.max(0, f.column - 1);
  return {
    startLine,
    startCharacter,
    endLine: Math.max(startLine, (f.end_line ?? f.line) - 1),
    endCharacter: Math.max(0, (f.end_column ?? f.column) - 1),
  };
}

/** Findings grouped by file, each path made absolute against the folder `check` ran in. */
export function groupByFile(findings: CheckFinding[], resolve: (p: string) => string): Map<string, CheckFinding[]> {
  const byFile = new Map<string, CheckFinding[]>();
  for (const f of findings) {
    const file = resolve(f.path);
    const list = byFile.get(file) ?? [];
    list.push(f);
    byFile.set(file, list);
  }
  return byFile;
}

export function summary(findings: CheckFinding[], files: number): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  const codes = [...counts.entries()].sort().map(([c, n]) => `${c}×${n}`).join(", ");
  return findings.length === 0
    ? "vgpt2 check: no findings"
    : `vgpt2 check: ${findings.length} finding${findings.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"} (${codes})`;
}
