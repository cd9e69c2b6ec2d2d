"""Every install route works from a clean checkout, and the installed copy does its job.

The routes: ``python -m build`` (an sdist, then a wheel from that sdist, as a
release is made), ``pip wheel .`` and installing that wheel, ``pip install .``,
``pip install -e .`` and ``pip install git+file://...``. Each installs into one
virtual environment outside the repository (dependencies installed once), and
the installed copy must load all three frameworks, validate a record and run
the command. Slow: about half a minute in all.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ("adults", "carers", "care-homes")
# Runtime dependencies, and the build backend (with what it needs for editable installs).
DEPENDENCIES = (
    "attrs", "cattrs", "PyYAML", "jsonschema", "orjson", "msgspec", "hatchling", "editables",
)  # fmt: skip

CHECK = """
import datetime, pathlib, sys
import personal_outcomes as po
from personal_outcomes.frameworks import manifest
from personal_outcomes.interop import crosswalk
record = {
    "record_id": "r-1", "framework": "carers", "person_id": "p-1",
    "recorded_on": "2026-03-01", "stage": "assessment",
    "outcomes": [{"outcome": "a-life-of-their-own", "what_matters": "Time for choir"}],
}
result = po.validate_record(record, today=datetime.date(2026, 11, 26))
where = pathlib.Path(po.__file__).resolve().parent
print(where.is_relative_to(pathlib.Path(sys.argv[1]).resolve()))
print(
    [(f.id, len(f.outcomes)) for f in po.bundled()], result.valid, sorted(manifest()),
    crosswalk().numbers("carers", "a-life-of-their-own"),
)
"""


def _run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], check=False, capture_output=True, text=True, cwd=cwd
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh git repository holding exactly the project's tracked files, as a clone would."""
    files = _run("git", "ls-files", "-z", cwd=ROOT).split("\0")
    clone = tmp_path_factory.mktemp("clone") / "personal-outcomes"
    for name in filter(None, files):
        source = ROOT / name
        if source.is_symlink():
            pytest.fail(f"{name} is a symbolic link; the repository must have none")
        if source.exists():  # a tracked file deleted in the working tree stays out
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    git = ("git", "-c", "user.name=test", "-c", "user.email=test@example.invalid")
    _run(*git, "init", "-q", cwd=clone)
    _run(*git, "add", "-A", cwd=clone)
    _run(*git, "commit", "-q", "-m", "snapshot", cwd=clone)
    return clone


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment outside the repository with the dependencies installed."""
    env = tmp_path_factory.mktemp("venv") / "env"
    venv.create(env, with_pip=True)
    _run(env / "bin" / "python", "-m", "pip", "install", "--quiet", *DEPENDENCIES)
    return env


@pytest.fixture(scope="module")
def dist(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the sdist, then the wheel from that sdist, as a release would."""
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--outdir", out, checkout)
    return out


def _installed(environment: Path, *install: str | Path, place: Path) -> str:
    """Install by one route, check the installed copy, uninstall; return what it printed."""
    pip = (environment / "bin" / "python", "-m", "pip")
    _run(*pip, "install", "--quiet", "--no-deps", "--no-build-isolation", *install)
    try:
        outside = place.parent
        printed = _run(environment / "bin" / "python", "-c", CHECK, place, cwd=outside)
        listed = _run(environment / "bin" / "personal-outcomes", "list", cwd=outside)
        assert listed.splitlines()[1:] == [
            "adults      1.1.0          15  Outcomes important to adults living in the community",
            "care-homes  1.1.0          20  Outcomes important to people living in care homes",
            "carers      1.1.0          14  Outcomes important to unpaid carers",
        ]
    finally:
        _run(*pip, "uninstall", "--quiet", "--yes", "personal-outcomes")
    return printed


EXPECTED = (
    "[('adults', 15), ('care-homes', 20), ('carers', 14)] True ['adults', 'care-homes', 'carers'] "
    "(6,)"
)


def test_no_symbolic_links(checkout: Path) -> None:
    """The repository has no symbolic link (git on Windows would write it as a text file)."""
    assert not [path for path in checkout.rglob("*") if path.is_symlink()]


def test_wheel_contents(dist: Path) -> None:
    """The wheel carries the framework files byte for byte, the schemas and py.typed."""
    [wheel] = dist.glob("*.whl")
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    for expected in (
        "personal_outcomes/frameworks/_data/MANIFEST.json",
        "personal_outcomes/schemas/framework.schema.json",
        "personal_outcomes/schemas/crosswalk.schema.json",
        "personal_outcomes/schemas/record.schema.json",
        "personal_outcomes/schemas/records/adults-1.0.0.schema.json",
        "personal_outcomes/schemas/records/carers-1.0.0.schema.json",
        "personal_outcomes/schemas/records/care-homes-1.0.0.schema.json",
        "personal_outcomes/schemas/records/adults-1.1.0.schema.json",
        "personal_outcomes/schemas/records/carers-1.1.0.schema.json",
        "personal_outcomes/schemas/records/care-homes-1.1.0.schema.json",
        "personal_outcomes/py.typed",
    ):
        assert expected in names
    for name in FRAMEWORKS:
        packaged = archive.read(f"personal_outcomes/frameworks/_data/{name}.yaml")
        assert packaged == (ROOT / "frameworks" / f"{name}.yaml").read_bytes()
    data = sorted(name for name in names if "/_data/" in name)
    assert data == [
        "personal_outcomes/frameworks/_data/MANIFEST.json",
        "personal_outcomes/frameworks/_data/adults.yaml",
        "personal_outcomes/frameworks/_data/care-homes.yaml",
        "personal_outcomes/frameworks/_data/carers.yaml",
        "personal_outcomes/frameworks/_data/crosswalks/national-outcomes.yaml",
    ]
    assert len(names) == len(archive.namelist())  # no file twice


def test_sdist_contents(dist: Path) -> None:
    """The sdist carries the canonical frameworks folder, the tests and the docs."""
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"frameworks/adults.yaml", "frameworks/MANIFEST.json", "LICENSE"} <= names
    assert "tests/test_install.py" in names


def test_the_wheel_built_from_the_sdist(dist: Path, environment: Path) -> None:
    """The release wheel (sdist, then wheel) installs and works outside the repository."""
    [wheel] = dist.glob("*.whl")
    printed = _installed(environment, wheel, place=environment)
    assert printed.splitlines() == ["True", EXPECTED]


def test_pip_wheel(checkout: Path, environment: Path, tmp_path: Path) -> None:
    """``pip wheel .`` builds a wheel that installs and works."""
    _run(
        environment / "bin" / "python", "-m", "pip", "wheel", "--quiet", "--no-deps",
        "--no-build-isolation", "--wheel-dir", tmp_path, checkout,
    )  # fmt: skip
    [wheel] = tmp_path.glob("*.whl")
    assert _installed(environment, wheel, place=environment).splitlines() == ["True", EXPECTED]


def test_pip_install(checkout: Path, environment: Path) -> None:
    """``pip install .`` installs a copy in the environment, not a link to the checkout."""
    printed = _installed(environment, checkout, place=environment)
    assert printed.splitlines() == ["True", EXPECTED]


def test_pip_install_editable(checkout: Path, environment: Path) -> None:
    """``pip install -e .`` runs the checkout's code and reads the root frameworks folder."""
    printed = _installed(environment, "-e", checkout, place=checkout)
    assert printed.splitlines() == ["True", EXPECTED]


def test_pip_install_from_git(checkout: Path, environment: Path) -> None:
    """``pip install git+file://...`` (the route from a repository's URL) works."""
    printed = _installed(environment, f"git+{checkout.as_uri()}", place=environment)
    assert printed.splitlines() == ["True", EXPECTED]
