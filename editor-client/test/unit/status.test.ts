import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { groupByFile, isCatalogStatus, parseCheckOutput, statusView, summary, toZeroBased } from "../../src/status";

describe("statusView", () => {
  it("shows the object count of a loaded catalog", () => {
    const v = statusView({ loaded: true, objects: 1193, message: "sample catalog: 193 objects" });
    assert.equal(v.text, "$(database) Vista: 1,193 objects");
    assert.match(v.tooltip, /sample catalog/);
    assert.equal(v.error, false);
  });
  it("says when the bundled sample is in use", () => {
    const v = statusView({ loaded: true, objects: 193, message: "Vista catalog: 193 objects (bundled sample)", sample: true, fallback: false });
    assert.equal(v.text, "$(database) Vista: 193 objects (sample)");
    assert.equal(v.error, false);
  });
  it("warns when the sample stands in for a catalog that failed to load", () => {
    const v = statusView({ loaded: true, objects: 193, message: "bundled sample, in place of the configured catalog, which could not be loaded: no such file", sample: true, fallback: true });
    assert.equal(v.text, "$(warning) Vista: 193 objects (sample)");
    assert.match(v.tooltip, /could not be loaded/);
    assert.equal(v.error, true);
  });
  it("shows why the catalog is not loaded", () => {
    const v = statusView({ loaded: false, objects: 0, message: "vista.vgpt2db: no such file" });
    assert.equal(v.text, "$(warning) Vista: no catalog");
    assert.match(v.tooltip, /no such file/);
    assert.equal(v.error, true);
  });
  it("shows loading before the first notification", () => {
    assert.match(statusView(undefined).text, /loading|sync/);
  });
  it("checks the notification's shape", () => {
    assert.equal(isCatalogStatus({ loaded: true, objects: 3, message: "" }), true);
    assert.equal(isCatalogStatus({ loaded: "yes" }), false);
    assert.equal(isCatalogStatus(null), false);
  });
});

describe("vgpt2 check --format json", () => {
  const output = JSON.stringify([
    { path: "reports/a.sql", line: 1, column: 15, end_line: 1, end_column: 20, code: "VG004",
      severity: "warning", message: "'bAPTH' is read without WITH (NOLOCK)", fixes: [] },
    { path: "b.sql", line: 3, column: 1, end_line: 3, end_column: 5, code: "VG005",
      severity: "warning", message: "base table" },
    { nonsense: true },
  ]);

  it("parses findings and converts to 0-based ranges", () => {
    const findings = parseCheckOutput(output);
    assert.equal(findings.length, 2);
    assert.deepEqual(toZeroBased(findings[0]!), { startLine: 0, startCharacter: 14, endLine: 0, endCharacter: 19 });
  });
  it("groups by absolute file and summarises", () => {
    const findings = parseCheckOutput(output);
    const byFile = groupByFile(findings, (p) => `/ws/${p}`);
    assert.deepEqual([...byFile.keys()], ["/ws/reports/a.sql", "/ws/b.sql"]);
    assert.equal(summary(findings, byFile.size), "vgpt2 check: 2 findings in 2 files (VG004×1, VG005×1)");
    assert.equal(summary([], 0), "vgpt2 check: no findings");
  });
  it("rejects output that is not a list", () => {
    assert.throws(() => parseCheckOutput("{}"), /did not print a list/);
  });
});
