// Bundles the extension (dist/extension.js) and the end-to-end suite (out/e2e/suite.js).
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");
const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode"],
  sourcemap: !production,
  minify: production,
  logLevel: "warning",
};

await esbuild.build({ ...common, entryPoints: ["src/extension.ts"], outfile: "dist/extension.js" });
if (!production) {
  await esbuild.build({ ...common, entryPoints: ["test/e2e/suite.ts"], outfile: "out/e2e/suite.js" });
}
