import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkArguments, toServerSettings } from "../../src/settings";

describe("toServerSettings", () => {
  it("maps every setting the server reads", () => {
    assert.deepEqual(toServerSettings({
      catalog: ["vista.vgpt2db", " knowledge.toml "],
      rules: { vg004: "Off", VG005: "error" },
      nolockOnCompletion: false,
      diagnosticsDelayMs: 100,
      serverPath: "/x/vgpt2",
      pythonPath: "",
      trace: { server: "off" },
    }), {
      catalog: ["vista.vgpt2db", "knowledge.toml"],
      rules: { VG004: "off", VG005: "error" },
      nolockOnCompletion: false,
      diagnosticsDelayMs: 100,
    });
  });

  it("leaves out empty values so vgpt2.toml and the defaults apply", () => {
    assert.deepEqual(toServerSettings({ catalog: [], rules: {}, nolockOnCompletion: null }), {});
    assert.deepEqual(toServerSettings(undefined), {});
    assert.deepEqual(toServerSettings({ catalog: ["", "  "] }), {});
  });

  it("accepts a single catalog path as a string", () => {
    assert.deepEqual(toServerSettings({ catalog: "vista-export" }).catalog, ["vista-export"]);
  });

  it("reads a WorkspaceConfiguration-like object through get()", () => {
    const values: Record<string, unknown> = { nolockOnCompletion: true, diagnosticsDelayMs: "400" };
    assert.deepEqual(toServerSettings({ get: (k: string) => values[k] }), {
      nolockOnCompletion: true, diagnosticsDelayMs: 400,
    });
  });

  it("clamps the diagnostics delay to what the server accepts", () => {
    assert.equal(toServerSettings({ diagnosticsDelayMs: -5 }).diagnosticsDelayMs, 0);
    assert.equal(toServerSettings({ diagnosticsDelayMs: 99999 }).diagnosticsDelayMs, 5000);
    assert.equal(toServerSettings({ diagnosticsDelayMs: "soon" }).diagnosticsDelayMs, undefined);
  });

  it("passes unknown rule levels on for the server to report", () => {
    assert.deepEqual(toServerSettings({ rules: { VG004: "loud", VG001: 3 } }).rules, { VG004: "loud" });
  });
});

describe("checkArguments", () => {
  it("passes one catalog and the rules turned off", () => {
    assert.deepEqual(checkArguments({ catalog: ["v.vgpt2db"], rules: { VG004: "off", VG005: "error" } }, "."),
      ["check", "--format", "json", "--catalog", "v.vgpt2db", "--ignore", "VG004", "."]);
  });
  it("leaves several catalogs to the configuration file", () => {
    assert.deepEqual(checkArguments({ catalog: ["a", "b"] }, "/ws"), ["check", "--format", "json", "/ws"]);
  });
});
