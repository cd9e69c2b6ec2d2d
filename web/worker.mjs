// The validator page's Web Worker: Python (Pyodide) and personal-outcomes run here, off
// the page's own thread, so that the page stays responsive while files are checked.
//
// Everything comes from beside the page (same origin): Pyodide's core from pyodide/,
// the wheels listed in manifest.json from wheels/, and validator.py. Files are copied
// into Pyodide's in-memory file system under their own names; nothing is sent anywhere.
//
// Messages in:  {type: "check", id, files: [File], profile: File | null,
//                options: {strict, quality}}
// Messages out: {type: "status", text}, {type: "ready", endings, versions},
//               {type: "progress", id, phase: "reading" | "checking", file, done, total,
//                records}, {type: "result", id, exit, text, summary, json, error},
//               {type: "failed", text} (Python could not be started)

import { loadPyodide } from "./pyodide/pyodide.mjs";

const here = new URL(".", self.location.href);
let runs = 0;

function tell(message) {
  self.postMessage(message);
}

async function fetchChecked(item) {
  const response = await fetch(new URL(item.file, here), { cache: "no-cache" });
  if (!response.ok) {
    throw new Error(`${item.file} could not be loaded (HTTP ${response.status})`);
  }
  const buffer = await response.arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  if (hex !== item.sha256) {
    throw new Error(`${item.file} is not the file this page was built with; reload the page`);
  }
  return buffer;
}

async function start() {
  tell({ type: "status", text: "Loading Python (Pyodide) into this page…" });
  const manifest = await (await fetch(new URL("manifest.json", here), { cache: "no-cache" })).json();
  const pyodide = await loadPyodide({
    indexURL: new URL("pyodide/", here).href,
    lockFileURL: new URL("pyodide/pyodide-lock.json", here).href,
    packageBaseUrl: new URL("pyodide/", here).href,
  });
  tell({ type: "status", text: "Loading personal-outcomes…" });
  // Into site-packages, not the working folder: a run changes folder, and modules first
  // imported then (jsonschema, openpyxl) must still be found.
  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
  for (const item of manifest.wheels) {
    pyodide.unpackArchive(await fetchChecked(item), "wheel", { extractDir: sitePackages });
  }
  const response = await fetch(new URL("validator.py", here), { cache: "no-cache" });
  pyodide.FS.mkdirTree("/page");
  pyodide.FS.writeFile("/page/validator.py", await response.text());
  pyodide.FS.mkdirTree("/files");
  pyodide.runPython("import sys; sys.path.insert(0, '/page')");
  const validator = pyodide.pyimport("validator");
  const endings = validator.ENDINGS.toJs();
  const version = validator.VERSION;
  tell({
    type: "ready",
    endings,
    versions: { package: version, pyodide: manifest.pyodide, python: manifest.python },
  });
  return { pyodide, validator };
}

// Copy a file into the in-memory file system in pieces, saying how far it has got.
async function copyIn(pyodide, file, path, id) {
  const stream = pyodide.FS.open(path, "w");
  try {
    const reader = file.stream().getReader();
    let done = 0;
    for (;;) {
      const piece = await reader.read();
      if (piece.done) break;
      pyodide.FS.write(stream, piece.value, 0, piece.value.length);
      done += piece.value.length;
      tell({ type: "progress", id, phase: "reading", file: file.name, done, total: file.size });
    }
  } finally {
    pyodide.FS.close(stream);
  }
}

function clear(pyodide, folder) {
  for (const name of pyodide.FS.readdir(folder)) {
    if (name !== "." && name !== "..") pyodide.FS.unlink(`${folder}/${name}`);
  }
  pyodide.FS.rmdir(folder);
}

async function check({ pyodide, validator }, { id, files, profile, options }) {
  runs += 1;
  const folder = `/files/run-${runs}`;
  pyodide.FS.mkdir(folder);
  let result;
  try {
    // The profile beside the exports, as `validate --profile PROFILE EXPORT...` run there.
    for (const file of profile ? [profile, ...files] : files) {
      await copyIn(pyodide, file, `${folder}/${file.name}`, id);
    }
    // Sources are named as the command names them when run on these names here.
    pyodide.FS.chdir(folder);
    const progress = (file, records, done, total) => {
      tell({ type: "progress", id, phase: "checking", file, records, done, total });
    };
    const names = files.map((file) => file.name);
    const settings = {
      strict: Boolean(options.strict),
      quality: Boolean(options.quality),
      progress,
    };
    if (profile) settings.profile = profile.name;
    const found = validator.check.callKwargs(names, settings);
    result = found.toJs({ dict_converter: Object.fromEntries });
    found.destroy();
  } finally {
    pyodide.FS.chdir("/files");
    clear(pyodide, folder);
  }
  tell({ type: "result", id, ...result });
}

const ready = start();
ready.catch((error) => {
  console.error(error);
  tell({ type: "failed", text: String(error && error.message ? error.message : error) });
});

let queue = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  if (message.type !== "check") return;
  queue = queue.then(async () => {
    const loaded = await ready;
    try {
      await check(loaded, message);
    } catch (error) {
      // Only the kind of error is shown: a message could quote a record's contents.
      console.error(error);
      const kind = error && error.type ? error.type : error && error.name ? error.name : "Error";
      tell({
        type: "result",
        id: message.id,
        exit: 2,
        error: `The checker stopped on an internal error (${kind}). Please report it.`,
      });
    }
  });
};
