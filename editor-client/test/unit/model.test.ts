import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inlineSettings, isModelStatus, modelSettings, modelView } from "../../src/model";
import { toServerSettings } from "../../src/settings";

const base = { url: "http://127.0.0.1:11434", fillInMiddle: true, message: "vista (ollama at http://127.0.0.1:11434)" };

describe("modelView", () => {
  it("names a model that answers", () => {
    const v = modelView({ ...base, backend: "ollama", model: "vista:latest", reachable: true, present: true });
    assert.equal(v?.text, " · $(sparkle) vista:latest");
    assert.equal(v?.problem, false);
  });
  it("says why a configured model does not answer", () => {
    const down = modelView({ ...base, backend: "ollama", model: "vista", reachable: false, present: false,
      message: "ollama at http://127.0.0.1:11434 is not reachable" });
    assert.equal(down?.text, " · $(warning) vista unreachable");
    assert.match(down?.tooltip ?? "", /not reachable/);
    assert.equal(down?.problem, true);
    const missing = modelView({ ...base, backend: "ollama", model: "vista", reachable: true, present: false });
    assert.equal(missing?.text, " · $(warning) vista missing");
  });
  it("shows the catalog backend and nothing when off", () => {
    assert.match(modelView({ ...base, backend: "catalog", model: null, reachable: true, present: true })?.text ?? "",
      /no model/);
    assert.equal(modelView({ ...base, backend: "off", model: null, reachable: false, present: false })?.text, "");
    assert.equal(modelView(undefined), undefined);
  });
  it("checks the notification's shape", () => {
    assert.equal(isModelStatus({ backend: "ollama", reachable: true, message: "" }), true);
    assert.equal(isModelStatus({ backend: 1 }), false);
  });
});

describe("model and inline settings", () => {
  const config = (values: Record<string, unknown>) => ({ get: (key: string) => values[key] });
  it("maps the dotted keys to the server's objects", () => {
    const read = config({ "model.backend": "openai", "model.url": " http://gpu01:8000/v1 ", "model.name": "",
      "model.numCtx": 16384, "model.timeoutSeconds": "30", "model.apiKeyEnv": "VGPT2_API_KEY" });
    assert.deepEqual(modelSettings((k) => read.get(k)), {
      backend: "openai", url: "http://gpu01:8000/v1", numCtx: 16384, timeoutSeconds: 30, apiKeyEnv: "VGPT2_API_KEY" });
    const inline = config({ "inlineCompletion.enabled": false, "inlineCompletion.debounceMs": 99999,
      "inlineCompletion.budgetMs": 10 });
    assert.deepEqual(inlineSettings((k) => inline.get(k)), { enabled: false, debounceMs: 5000, budgetMs: 50 });
  });
  it("leaves unset keys to vgpt2.toml", () => {
    assert.equal(modelSettings(() => undefined), undefined);
    assert.equal(inlineSettings(() => undefined), undefined);
  });
  it("travels in the vgpt2 section", () => {
    const values: Record<string, unknown> = { "model.name": "vista", "inlineCompletion.debounceMs": 200 };
    const settings = toServerSettings({ get: (key: string) => values[key] });
    assert.deepEqual(settings.model, { name: "vista" });
    assert.deepEqual(settings.inlineCompletion, { debounceMs: 200 });
  });
});
