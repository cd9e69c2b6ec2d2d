// The validator page: choosing files, showing the reports. The checking itself runs in
// a Web Worker (worker.mjs), so that this page stays responsive; files go to the worker
// as File objects and are never sent anywhere else.

// At most this many rows are drawn at first: a long table is slow to draw and to read.
const FIRST_ROWS = 1000;

const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL("worker.mjs", import.meta.url), { type: "module" });

const state = {
  ready: false,
  endings: [],
  waiting: null, // files chosen before the checker was ready
  chosen: null, // the files last chosen, checked again when an option or the profile changes
  profile: null, // the import profile chosen (a File), or null
  id: 0,
  result: null,
  issues: [],
  sortKey: null,
  descending: false,
  code: "",
  showAll: false,
};

function say(text) {
  $("status").textContent = text;
}

function plural(count, one, many) {
  return `${count.toLocaleString("en-GB")} ${count === 1 ? one : many}`;
}

function showProgress(label, done, total) {
  $("progress-label").textContent = label;
  const bar = $("progress");
  if (total) {
    bar.max = total;
    bar.value = done;
  } else {
    bar.removeAttribute("value");
  }
}

function hide(...ids) {
  for (const id of ids) $(id).hidden = true;
}

// ---- choosing files -------------------------------------------------------------------

// Why a file is not checked, or null when it is. With a profile every file is an export,
// read through it, as the command reads every file it is given with --profile.
function leftOut(name) {
  const lower = name.toLowerCase();
  if (state.profile) {
    return name === state.profile.name
      ? `${name} is the import profile: it is not checked as an export.`
      : null;
  }
  if (state.endings.some((ending) => lower.endsWith(ending))) return null;
  if (lower.endsWith(".xlsx")) {
    return `${name} was left out: a workbook is read only through an import profile; choose its profile.`;
  }
  return `${name} was left out: only files ending ${state.endings.join(", ")} are read.`;
}

function choose(files) {
  if (files.length === 0) return;
  state.chosen = files;
  if (!state.ready) {
    state.waiting = files;
    say(`The checker is still loading; ${plural(files.length, "file", "files")} will be checked as soon as it is ready.`);
    return;
  }
  hide("summary", "closing", "failure", "downloads", "issues-area");
  const reasons = files.map((file) => leftOut(file.name)).filter((reason) => reason !== null);
  const kept = files.filter((file) => leftOut(file.name) === null);
  const list = $("skipped");
  list.replaceChildren(
    ...reasons.map((reason) => {
      const item = document.createElement("li");
      item.textContent = reason;
      return item;
    }),
  );
  list.hidden = reasons.length === 0;
  const names = kept.map((file) => file.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) {
    fail(`Two of the files are both named ${twice}. Check them one at a time, or rename one.`);
    return;
  }
  if (kept.length === 0) {
    say(state.profile ? "No exports to check." : "No record files to check.");
    return;
  }
  state.id += 1;
  // Which check was started last (for tests and anything else that waits on the page).
  document.body.dataset.started = String(state.id);
  state.files = kept;
  state.through = state.profile ? ` through the profile ${state.profile.name}` : "";
  say(`Checking ${plural(kept.length, "file", "files")}${state.through}…`);
  showProgress("Starting", 0, 0);
  worker.postMessage({
    type: "check",
    id: state.id,
    files: kept,
    profile: state.profile,
    options: { strict: $("strict").checked, quality: $("quality").checked },
  });
}

function fail(text) {
  const failure = $("failure");
  failure.textContent = text;
  failure.hidden = false;
  say(text);
}

function again() {
  if (state.chosen && state.ready) choose(state.chosen);
}

function useProfile(file) {
  state.profile = file;
  $("clear-profile").hidden = file === null;
  if (file && state.ready && !state.chosen) {
    say(`Now choose the exports to check through ${file.name}.`);
  }
  again();
}

function showChosen(input, files) {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  input.files = transfer.files;
}

// A file chosen again (corrected since, say) must be a new choice, but browsers see no
// change in the same file chosen twice: a control is emptied as its dialog opens, and
// shows its files again if the dialog is cancelled.
function chooseAfresh(input, current) {
  input.addEventListener("click", () => {
    input.value = "";
  });
  input.addEventListener("cancel", () => showChosen(input, current()));
}
chooseAfresh($("files"), () => state.chosen ?? []);
chooseAfresh($("profile"), () => (state.profile ? [state.profile] : []));

$("files").addEventListener("change", (event) => choose(Array.from(event.target.files)));
for (const id of ["strict", "quality"]) $(id).addEventListener("change", again);
$("profile").addEventListener("change", (event) => {
  const file = event.target.files[0];
  // Only "Stop using the profile" stops using it (a browser may report a cancelled dialog
  // as a change to no file).
  if (file) {
    useProfile(file);
  } else {
    showChosen(event.target, state.profile ? [state.profile] : []);
  }
});
$("clear-profile").addEventListener("click", () => {
  $("profile").value = "";
  $("profile").focus();
  useProfile(null);
});

// Files dropped anywhere on the page are checked; the browser must not open them instead.
document.addEventListener("dragover", (event) => {
  event.preventDefault();
  document.body.classList.add("dragging");
});
document.addEventListener("dragleave", (event) => {
  if (event.relatedTarget === null) document.body.classList.remove("dragging");
});
document.addEventListener("drop", (event) => {
  event.preventDefault();
  document.body.classList.remove("dragging");
  choose(Array.from(event.dataTransfer.files));
});

// ---- results --------------------------------------------------------------------------

function shownPointer(pointer) {
  // As the command's text report shows it: the whole record is "/".
  return pointer === "" ? "/" : pointer;
}

function compare(a, b) {
  const key = state.sortKey;
  let x = a.issue[key];
  let y = b.issue[key];
  if (key === "pointer") {
    x = shownPointer(x);
    y = shownPointer(y);
  }
  let order = 0;
  if (x === null || y === null) {
    order = x === y ? 0 : x === null ? -1 : 1;
  } else if (typeof x === "number") {
    order = x - y;
  } else {
    order = x < y ? -1 : x > y ? 1 : 0;
  }
  if (state.descending) order = -order;
  return order || a.index - b.index;
}

// The column names, for the labels of a narrow window's layout (style.css).
const LABELS = ["File", "Line", "Column", "Pointer", "Code", "Severity", "Message"];

function cell(text, column) {
  const td = document.createElement("td");
  td.textContent = text;
  td.dataset.label = LABELS[column];
  return td;
}

function drawTable() {
  let rows = state.issues.map((issue, index) => ({ issue, index }));
  if (state.code) rows = rows.filter((row) => row.issue.code === state.code);
  if (state.sortKey) rows.sort(compare);
  const total = rows.length;
  const drawn = state.showAll ? rows : rows.slice(0, FIRST_ROWS);
  const body = document.createDocumentFragment();
  for (const { issue } of drawn) {
    const tr = document.createElement("tr");
    tr.className = issue.severity;
    const texts = [
      issue.source,
      issue.line ?? "",
      issue.column ?? "",
      shownPointer(issue.pointer),
      issue.code,
      issue.severity,
      issue.message,
    ];
    tr.append(...texts.map(cell));
    body.append(tr);
  }
  $("issues").tBodies[0].replaceChildren(body);
  const which = state.code ? ` with code ${state.code}` : "";
  const all = plural(total, "issue", "issues");
  $("shown").textContent =
    drawn.length < total
      ? `Showing the first ${drawn.length.toLocaleString("en-GB")} of ${all}${which}; the downloaded reports have them all.`
      : `Showing ${total === state.issues.length ? "all " : ""}${all}${which}.`;
  $("show-all").hidden = drawn.length === total;
  for (const th of $("issues").tHead.rows[0].cells) {
    if (th.dataset.key === state.sortKey) {
      th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
    } else {
      th.removeAttribute("aria-sort");
    }
  }
}

function fillCodes() {
  const counts = new Map();
  for (const issue of state.issues) counts.set(issue.code, (counts.get(issue.code) ?? 0) + 1);
  const select = $("code-filter");
  const options = [...counts.keys()].sort().map((code) => {
    const option = document.createElement("option");
    option.value = code;
    option.textContent = `${code} (${counts.get(code).toLocaleString("en-GB")})`;
    return option;
  });
  const everything = document.createElement("option");
  everything.value = "";
  everything.textContent = `All codes (${state.issues.length.toLocaleString("en-GB")})`;
  select.replaceChildren(everything, ...options);
  state.code = "";
}

function showResult(result) {
  state.result = result;
  showProgress("Done", 1, 1);
  // Which check's result is shown (for tests and anything else that waits on the page).
  document.body.dataset.checked = String(result.id);
  if (result.error !== undefined) {
    // The command's message (a broken profile's problems one a line), and no report.
    fail(result.error.trim());
    say("Nothing was checked (the command stops here with exit code 2): see the message below.");
    return;
  }
  const [first, ...rest] = result.summary.trimEnd().split("\n");
  $("summary").textContent = first;
  $("summary").hidden = false;
  $("closing").textContent = rest.join("\n");
  $("closing").hidden = rest.length === 0;
  $("downloads").hidden = false;
  // A new report is shown in its own order, every code at first.
  state.issues = JSON.parse(result.json).issues;
  state.showAll = false;
  state.sortKey = null;
  state.descending = false;
  fillCodes();
  drawTable();
  $("issues-area").hidden = state.issues.length === 0;
  say(`Checked ${plural(state.files.length, "file", "files")}${state.through}: ${first}`);
}

for (const th of $("issues").tHead.rows[0].cells) {
  th.querySelector("button").addEventListener("click", () => {
    const key = th.dataset.key;
    state.descending = state.sortKey === key ? !state.descending : false;
    state.sortKey = key;
    drawTable();
  });
}
$("code-filter").addEventListener("change", (event) => {
  state.code = event.target.value;
  drawTable();
});
$("show-all").addEventListener("click", () => {
  state.showAll = true;
  drawTable();
});

function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

$("download-json").addEventListener("click", () => {
  download(state.result.json, "personal-outcomes-report.json", "application/json");
});
$("download-text").addEventListener("click", () => {
  download(state.result.text, "personal-outcomes-report.txt", "text/plain;charset=utf-8");
});

// ---- the worker -----------------------------------------------------------------------

worker.addEventListener("message", (event) => {
  const message = event.data;
  if (message.type === "status") {
    say(message.text);
  } else if (message.type === "ready") {
    state.ready = true;
    state.endings = message.endings;
    const { package: version, python, pyodide } = message.versions;
    $("versions").textContent = `personal-outcomes ${version}, Python ${python} (Pyodide ${pyodide}).`;
    document.body.dataset.ready = "true";
    say("Ready: choose record files, or drop them on this page.");
    showProgress("Ready", 1, 1);
    if (state.waiting) {
      const waiting = state.waiting;
      state.waiting = null;
      choose(waiting);
    }
  } else if (message.type === "progress" && message.id === state.id) {
    if (message.phase === "reading") {
      showProgress(`Reading ${message.file}`, message.done, message.total);
    } else {
      const records = plural(message.records, "record", "records");
      showProgress(`Checking ${message.file}: ${records} so far`, message.done, message.total);
    }
  } else if (message.type === "result" && message.id === state.id) {
    showResult(message);
  } else if (message.type === "failed") {
    fail(`The checker could not be loaded: ${message.text}. Reload the page to try again.`);
  }
});
worker.addEventListener("error", () => {
  fail("The checker could not be started. Reload the page to try again.");
});
