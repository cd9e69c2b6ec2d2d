"""Build the validator page into web/_build/ (``make web``; run by the project's venv).

What it writes, all from this machine, nothing fetched:

- the page's own files (index.html, app.js, worker.mjs, style.css, validator.py);
- ``pyodide/``: Pyodide's core from the ``pyodide`` npm package pinned by
  web/package-lock.json (``npm ci`` in web/ first), with its lock file cut down to
  the interpreter's description, so that the page can never ask for a package it
  does not ship;
- ``wheels/``: this package's wheel, built from the working tree, and the pure-Python
  wheels it needs in the browser (attrs, cattrs, typing_extensions, PyYAML's pure-Python
  part; jsonschema, referencing and jsonschema-specifications to read import profiles;
  openpyxl and et_xmlfile to read workbooks), repacked from the files this venv
  installed, at the versions it installed, each file checked against its installed
  RECORD first; the build stops if one has a compiled file, or if a shipped wheel needs
  a distribution that is not shipped (rpds-py aside: the package brings its own
  pure-Python stand-in for it);
- ``manifest.json``: the Pyodide version, the wheels with their sizes and SHA-256, and
  the files a first visit loads, with their total size.
"""

from __future__ import annotations

import argparse
import base64
import csv
import email.parser
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path, PurePosixPath

WEB = Path(__file__).resolve().parent
ROOT = WEB.parent
PAGE_FILES = ("index.html", "app.js", "worker.mjs", "style.css", "validator.py")
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
#: The distributions the package needs in the browser. PyYAML ships a compiled loader
#: beside its pure-Python one: only the latter goes in. jsonschema and what it needs read
#: import profiles; openpyxl and et_xmlfile read workbooks (the package's excel extra).
DEPENDENCIES = (
    "typing_extensions",
    "attrs",
    "cattrs",
    "PyYAML",
    "referencing",
    "jsonschema-specifications",
    "jsonschema",
    "et_xmlfile",
    "openpyxl",
)
#: Distributions a shipped wheel requires that the page does without: rpds-py is
#: compiled, and the package puts its pure-Python stand-in in its place.
REPLACED = frozenset({"rpds-py"})
#: Installed files that are not part of a wheel.
_NOT_IN_WHEEL = frozenset({"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"})
#: Endings of compiled files, which cannot run in the browser.
_COMPILED = (".so", ".pyd", ".dylib", ".dll")
#: The time stamp of every file in a repacked wheel, so that a rebuild gives the same bytes.
_STAMP = (1980, 1, 1, 0, 0, 0)


class BuildError(Exception):
    """A step of the build cannot be done; the message says what to do."""


def _digest(data: bytes) -> str:
    """Return a wheel RECORD's hash of ``data`` (urlsafe base64 SHA-256, no padding)."""
    raw = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _installed_files(name: str) -> tuple[metadata.Distribution, dict[str, bytes]]:
    """Return an installed distribution and its files as a wheel holds them, hash-checked."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        raise BuildError(f"{name} is not installed in this Python; run make web") from None
    files: dict[str, bytes] = {}
    for entry in dist.files or ():
        parts = PurePosixPath(entry.as_posix()).parts
        if "__pycache__" in parts or parts[0].endswith(".data") or ".." in parts:
            continue
        if parts[0].endswith(".dist-info") and parts[-1] in _NOT_IN_WHEEL:
            continue
        data = Path(str(dist.locate_file(entry))).read_bytes()
        if entry.hash is None or _digest(data) != f"{entry.hash.mode}={entry.hash.value}":
            raise BuildError(
                f"{name}: {entry} differs from what pip installed; reinstall {name} "
                "(pip install --force-reinstall) and build again"
            )
        files[entry.as_posix()] = data
    return dist, files


def _pure_wheel(name: str, out: Path) -> Path:
    """Repack an installed distribution as a pure-Python wheel in ``out``; return its path."""
    dist, files = _installed_files(name)
    version = dist.version
    compiled = sorted(path for path in files if path.endswith(_COMPILED))
    if compiled and name != "PyYAML":
        raise BuildError(f"{name} {version} has compiled files ({compiled[0]}): not pure Python")
    for path in compiled:  # PyYAML's libyaml loader: the pure-Python loader takes its place
        del files[path]
    # The C loader's import shim, a package of its own, needs the compiled module.
    files = {path: data for path, data in files.items() if not path.startswith("_yaml/")}
    info = next(path.split("/")[0] for path in files if path.split("/")[0].endswith(".dist-info"))
    files[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\n"
        b"Generator: personal-outcomes web/build.py\n"
        b"Root-Is-Purelib: true\n"
        b"Tag: py3-none-any\n"
    )
    top = dist.metadata["Name"].replace("-", "_")
    wheel = out / f"{top}-{version}-py3-none-any.whl"
    _write_wheel(wheel, files, f"{info}/RECORD")
    return wheel


def _write_wheel(wheel: Path, files: dict[str, bytes], record: str) -> None:
    """Write the files and their RECORD into a zip, in a fixed order with fixed times."""
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    for path in sorted(files):
        writer.writerow((path, _digest(files[path]), len(files[path])))
    writer.writerow((record, "", ""))
    files = {**files, record: rows.getvalue().encode()}
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files, key=lambda p: (p == record, p)):
            item = zipfile.ZipInfo(path, date_time=_STAMP)
            item.compress_type = zipfile.ZIP_DEFLATED
            item.external_attr = 0o644 << 16
            archive.writestr(item, files[path])


def _normal(name: str) -> str:
    """Return a distribution's name in its normal form (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _needs(wheel: Path) -> tuple[str, list[str]]:
    """Return a wheel's distribution name and the distributions it needs, normal forms.

    A requirement under an environment marker is left out: those of the shipped wheels
    are for extras, for Pythons older than Pyodide's, or for platforms other than the
    browser's (the package's compiled accelerators).
    """
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = email.parser.BytesParser().parsebytes(archive.read(name))
    needs = [
        _normal(re.split(r"[\s\[<>=!~(]", line.strip(), maxsplit=1)[0])
        for line in message.get_all("Requires-Dist") or ()
        if ";" not in line
    ]
    return _normal(str(message["Name"])), needs


def _check_complete(wheels: list[Path]) -> None:
    """Stop unless every distribution a shipped wheel needs is shipped (or replaced)."""
    found = [_needs(wheel) for wheel in wheels]
    shipped = {name for name, _ in found} | REPLACED
    for name, needs in found:
        for need in needs:
            if need not in shipped:
                raise BuildError(
                    f"{name} needs {need}, which the page does not ship; add it to "
                    "DEPENDENCIES in web/build.py (it must be pure Python)"
                )


def _own_wheel(out: Path) -> Path:
    """Build this package's wheel from the working tree into ``out``."""
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
    done = subprocess.run(  # noqa: S603 (the running Python's pip, fixed arguments)
        [*command, "--wheel-dir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    wheels = sorted(out.glob("personal_outcomes-*.whl"))
    if done.returncode != 0 or len(wheels) != 1:
        raise BuildError(f"building the package's wheel failed:\n{done.stdout}{done.stderr}")
    return wheels[0]


def _pyodide(node_modules: Path, out: Path) -> str:
    """Copy Pyodide's core into ``out``; return its version."""
    package = node_modules / "pyodide"
    if not (package / "package.json").is_file():
        raise BuildError(f"{package} is missing: run npm ci in {WEB} first (make web does)")
    version = str(json.loads((package / "package.json").read_text(encoding="utf-8"))["version"])
    out.mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(package / name, out / name)
    lock = json.loads((package / "pyodide-lock.json").read_text(encoding="utf-8"))
    # The interpreter's description only: no package the page could fetch from elsewhere.
    trimmed = {"info": lock["info"], "packages": {}}
    (out / "pyodide-lock.json").write_text(json.dumps(trimmed, indent=1) + "\n", encoding="utf-8")
    return version


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(out: Path, node_modules: Path) -> dict[str, object]:
    """Build the page into ``out`` (emptied first); return the manifest written there."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in PAGE_FILES:
        shutil.copyfile(WEB / name, out / name)
    version = _pyodide(node_modules, out / "pyodide")
    wheels = out / "wheels"
    wheels.mkdir()
    with tempfile.TemporaryDirectory() as tmp:
        own = _own_wheel(Path(tmp))
        shutil.copyfile(own, wheels / own.name)
    made = [_pure_wheel(name, wheels) for name in DEPENDENCIES]
    made.append(wheels / own.name)
    _check_complete(made)
    listed = [
        {
            "file": f"wheels/{wheel.name}",
            "name": wheel.name.split("-")[0],
            "version": wheel.name.split("-")[1],
            "bytes": wheel.stat().st_size,
            "sha256": _sha256(wheel),
        }
        for wheel in made
    ]
    python = json.loads((out / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    first = [
        *PAGE_FILES,
        *(f"pyodide/{name}" for name in (*PYODIDE_FILES, "pyodide-lock.json")),
        "manifest.json",
        *(str(item["file"]) for item in listed),
    ]
    manifest: dict[str, object] = {
        "pyodide": version,
        "python": python["info"]["python"],
        "wheels": listed,
        "first_load": {"files": first, "bytes": 0},
    }
    # The manifest counts itself: write it, measure, and write it again with the total.
    for _ in range(3):
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        total = sum((out / name).stat().st_size for name in first)
        manifest["first_load"] = {"files": first, "bytes": total}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Build the page; print what a first visit loads; exit 1 with a message on failure."""
    parser = argparse.ArgumentParser(description="Build the validator page into web/_build/.")
    parser.add_argument("--out", type=Path, default=WEB / "_build", help="the folder to write")
    parser.add_argument(
        "--node-modules", type=Path, default=WEB / "node_modules", help="npm ci's folder"
    )
    args = parser.parse_args(argv)
    try:
        manifest = build(args.out, args.node_modules)
    except BuildError as err:
        sys.stderr.write(f"web/build.py: {err}\n")
        return 1
    first = manifest["first_load"]
    assert isinstance(first, dict)  # noqa: S101 (built just above)
    sys.stdout.write(
        f"wrote {args.out}: Pyodide {manifest['pyodide']}, "
        f"{len(first['files'])} files on first load, {first['bytes']:,} bytes\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
