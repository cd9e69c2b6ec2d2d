// Run the validator page's Python (web/validator.py) inside Pyodide under Node, offline,
// with exactly the files and wheels the built page ships (web/_build, or another build
// folder given as the first argument). tests/test_web.py compares what it prints with
// what the command prints under CPython.
//
// Reads from standard input a JSON list of runs, each {files: [path], profile: path
// (optional), today, strict, quality}; writes to standard output a JSON list of results,
// one a run, each validator.check's result ({exit, text, summary, json} or {exit, error}).
// A run's profile is copied in beside its files, as `validate --profile` run there.
// Network access fails the run: globalThis.fetch is replaced by one that throws.

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const build = path.resolve(process.argv[2] ?? new URL("../_build", import.meta.url).pathname);

globalThis.fetch = async (url) => {
  throw new Error(`run_in_node.mjs: a network request was made (${url}); everything must be local`);
};

// Pyodide takes plain typed arrays, not Node's Buffer.
async function bytes(file) {
  const buffer = await readFile(file);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function main() {
const runs = JSON.parse(await readStdin());
const manifest = JSON.parse(await readFile(path.join(build, "manifest.json"), "utf8"));
const { loadPyodide } = await import(pathToFileURL(path.join(build, "pyodide", "pyodide.mjs")).href);
// Python's own output goes to standard error: standard output carries the results only.
const toStderr = (text) => process.stderr.write(`${text}\n`);
const pyodide = await loadPyodide({
  indexURL: `${path.join(build, "pyodide")}/`,
  lockFileURL: path.join(build, "pyodide", "pyodide-lock.json"),
  stdout: toStderr,
  stderr: toStderr,
});
// As the page does: into site-packages, where a run's change of folder cannot hide them.
const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
for (const item of manifest.wheels) {
  const buffer = await bytes(path.join(build, item.file));
  const digest = createHash("sha256").update(buffer).digest("hex");
  if (digest !== item.sha256) throw new Error(`${item.file}: not the file the manifest lists`);
  pyodide.unpackArchive(buffer, "wheel", { extractDir: sitePackages });
}
pyodide.FS.mkdirTree("/page");
pyodide.FS.writeFile("/page/validator.py", await readFile(path.join(build, "validator.py"), "utf8"));
pyodide.runPython("import sys; sys.path.insert(0, '/page')");
const validator = pyodide.pyimport("validator");

const results = [];
let number = 0;
for (const run of runs) {
  number += 1;
  const folder = `/files/run-${number}`;
  pyodide.FS.mkdirTree(folder);
  for (const file of run.profile ? [run.profile, ...run.files] : run.files) {
    pyodide.FS.writeFile(`${folder}/${path.basename(file)}`, await bytes(file));
  }
  pyodide.FS.chdir(folder);
  // No today or profile: the command's default (JavaScript's null is not Python's None).
  const options = { strict: Boolean(run.strict), quality: Boolean(run.quality) };
  if (run.today) options.today = run.today;
  if (run.profile) options.profile = path.basename(run.profile);
  const found = validator.check.callKwargs(
    run.files.map((file) => path.basename(file)),
    options,
  );
  results.push(found.toJs({ dict_converter: Object.fromEntries }));
  found.destroy();
}
process.stdout.write(JSON.stringify(results));
}

// A failure prints its message and stack only (not the minified line Node would quote).
main().catch((error) => {
  process.stderr.write(`run_in_node.mjs: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
