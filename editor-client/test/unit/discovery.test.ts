import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expandSettingPath, findServer, notFoundMessage, PYTHON_LAUNCH, whichOnPath } from "../../src/discovery";

const linux = (files: string[], extra: Partial<Parameters<typeof findServer>[0]> = {}) =>
  findServer({
    workspaceFolders: ["/ws"],
    env: { PATH: "/usr/local/bin:/usr/bin", HOME: "/home/me" },
    platform: "linux",
    isExecutable: (f) => files.includes(f),
    ...extra,
  });

describe("findServer", () => {
  it("prefers vgpt2.serverPath", () => {
    const r = linux(["/opt/v/bin/vgpt2", "/ws/.venv/bin/vgpt2"], { serverPath: "/opt/v/bin/vgpt2" });
    assert.deepEqual(r.found, { command: "/opt/v/bin/vgpt2", args: [], source: "setting vgpt2.serverPath" });
  });

  it("expands ~ and ${workspaceFolder} in settings", () => {
    assert.equal(linux(["/home/me/x/vgpt2"], { serverPath: "~/x/vgpt2" }).found?.command, "/home/me/x/vgpt2");
    assert.equal(linux(["/ws/tools/vgpt2"], { serverPath: "${workspaceFolder}/tools/vgpt2" }).found?.command,
      "/ws/tools/vgpt2");
    assert.equal(linux(["/ws/tools/vgpt2"], { serverPath: "tools/vgpt2" }).found?.command, "/ws/tools/vgpt2");
  });

  it("reports a serverPath that does not exist instead of using another vgpt2", () => {
    const r = linux(["/ws/.venv/bin/vgpt2"], { serverPath: "/nope/vgpt2" });
    assert.equal(r.found, undefined);
    assert.match(r.problems[0]!, /vgpt2\.serverPath is set to '\/nope\/vgpt2'/);
    assert.match(notFoundMessage(r), /^vgpt2\.serverPath is set to/);
  });

  it("a serverPath naming a Python interpreter runs the CLI through it", () => {
    const r = linux(["/usr/bin/python3.12"], { serverPath: "/usr/bin/python3.12" });
    assert.deepEqual(r.found?.args, PYTHON_LAUNCH);
  });

  it("uses vgpt2.pythonPath with the Python launch arguments", () => {
    const r = linux(["/ws/.venv/bin/vgpt2", "/py/bin/python"], { pythonPath: "/py/bin/python" });
    assert.equal(r.found?.command, "/py/bin/python");
    assert.deepEqual(r.found?.args, PYTHON_LAUNCH);
    assert.equal(r.found?.source, "setting vgpt2.pythonPath");
  });

  it("finds a bare pythonPath (python3) on PATH", () => {
    const r = linux(["/usr/bin/python3"], { pythonPath: "python3" });
    assert.equal(r.found?.command, "/usr/bin/python3");
  });

  it("searches .venv, venv, env in each workspace folder, in order", () => {
    assert.equal(linux(["/ws/venv/bin/vgpt2", "/ws/env/bin/vgpt2"]).found?.command, "/ws/venv/bin/vgpt2");
    assert.equal(linux(["/ws/env/bin/vgpt2"]).found?.command, "/ws/env/bin/vgpt2");
    const two = linux(["/b/.venv/bin/vgpt2"], { workspaceFolders: ["/a", "/b"] });
    assert.equal(two.found?.command, "/b/.venv/bin/vgpt2");
    assert.equal(two.found?.source, "virtual environment /b/.venv");
  });

  it("uses Scripts\\vgpt2.exe on Windows", () => {
    const r = findServer({
      workspaceFolders: ["C:\\ws"],
      env: { Path: "C:\\Windows" },
      platform: "win32",
      isExecutable: (f) => f === "C:\\ws\\.venv\\Scripts\\vgpt2.exe",
    });
    assert.equal(r.found?.command, "C:\\ws\\.venv\\Scripts\\vgpt2.exe");
  });

  it("falls back to an active VIRTUAL_ENV, then PATH", () => {
    assert.equal(linux(["/v/bin/vgpt2", "/usr/bin/vgpt2"], { env: { PATH: "/usr/bin", VIRTUAL_ENV: "/v" } }).found?.command,
      "/v/bin/vgpt2");
    const r = linux(["/usr/bin/vgpt2"]);
    assert.deepEqual(r.found, { command: "/usr/bin/vgpt2", args: [], source: "PATH" });
  });

  it("says where it looked when nothing is found", () => {
    const r = linux([]);
    assert.equal(r.found, undefined);
    assert.deepEqual(r.searched, ["/ws/.venv/bin/vgpt2", "/ws/venv/bin/vgpt2", "/ws/env/bin/vgpt2", "vgpt2 on PATH"]);
    assert.match(notFoundMessage(r), /was not found/);
    assert.match(notFoundMessage(linux([], { pythonPath: "/x/python" })), /vgpt2\.pythonPath is set to '\/x\/python'/);
  });
});

describe("whichOnPath", () => {
  it("applies PATHEXT on Windows", () => {
    const found = whichOnPath("vgpt2", { Path: "C:\\a;C:\\b", PATHEXT: ".COM;.EXE" }, "win32",
      (f) => f === "C:\\b\\vgpt2.exe");
    assert.equal(found, "C:\\b\\vgpt2.exe");
  });
  it("skips empty PATH entries", () => {
    assert.equal(whichOnPath("vgpt2", { PATH: ":/x:" }, "linux", (f) => f === "/x/vgpt2"), "/x/vgpt2");
  });
});

describe("expandSettingPath", () => {
  it("leaves bare names for a PATH lookup", () => {
    assert.equal(expandSettingPath("vgpt2", ["/ws"], {}, "linux"), "vgpt2");
  });
});
