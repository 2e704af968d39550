// Bundle entry.js into one minified ES module and collect the licence of every package
// that ended up in it. Run by scripts/vendor-codemirror with the output folder as argument.
import { build } from "esbuild";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2];
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: ["entry.js"], bundle: true, format: "esm", minify: true, target: "es2020",
  legalComments: "none", metafile: true, outfile: join(out, "codemirror.js"),
});

// Packages whose code is in the bundle, from the inputs esbuild actually used.
const names = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) names.add(match[1]);
}
const licences = [];
const versions = [];
for (const name of [...names].sort()) {
  const dir = join("node_modules", name);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (!file) throw new Error(`${name} ships no licence file`);
  versions.push(`${name} ${meta.version} (${meta.license})`);
  licences.push(`${"=".repeat(72)}\n${name} ${meta.version} (${meta.license})\n` +
    `${"=".repeat(72)}\n\n${readFileSync(join(dir, file), "utf8").trim()}\n`);
}
writeFileSync(join(out, "LICENSES.txt"), licences.join("\n"));
writeFileSync(join(out, "VERSION"),
  "CodeMirror 6 bundle (npm, esbuild " + JSON.parse(readFileSync(
    "node_modules/esbuild/package.json", "utf8")).version + ", minified ES module " +
  "codemirror.js); licences in LICENSES.txt. Bundled packages:\n" +
  versions.map((line) => `  ${line}\n`).join(""));
console.log(`bundled ${names.size} packages into ${join(out, "codemirror.js")}`);
