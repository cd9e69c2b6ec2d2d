"""The built distributions: a wheel installed outside the repository loads the frameworks."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the sdist, then the wheel from that sdist, as a release would."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return out


def test_wheel_contents(dist: Path) -> None:
    """The wheel carries the framework files, the schema and py.typed inside the package."""
    [wheel] = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "personal_outcomes/frameworks/adults.yaml",
        "personal_outcomes/frameworks/carers.yaml",
        "personal_outcomes/frameworks/care-homes.yaml",
        "personal_outcomes/schemas/framework.schema.json",
        "personal_outcomes/schemas/record.schema.json",
        "personal_outcomes/schemas/records/adults-1.0.0.schema.json",
        "personal_outcomes/schemas/records/carers-1.0.0.schema.json",
        "personal_outcomes/schemas/records/care-homes-1.0.0.schema.json",
        "personal_outcomes/py.typed",
    ):
        assert expected in names
    for name in ("adults", "carers", "care-homes"):
        packaged = zipfile.ZipFile(wheel).read(f"personal_outcomes/frameworks/{name}.yaml")
        assert packaged == (ROOT / "frameworks" / f"{name}.yaml").read_bytes()


def test_sdist_contents(dist: Path) -> None:
    """The sdist carries the canonical frameworks folder, the tests and the docs."""
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"frameworks/adults.yaml", "frameworks/MANIFEST.json", "LICENSE"} <= names
    assert "tests/test_wheel.py" in names


def test_installed_wheel_loads_every_framework(dist: Path, tmp_path: Path) -> None:
    """In a fresh virtual environment outside the repository, all three frameworks load."""
    [wheel] = dist.glob("*.whl")
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    script = (
        "import personal_outcomes as po, pathlib;"
        "r = po.bundled();"
        "print(pathlib.Path(po.__file__).parent.is_relative_to(pathlib.Path.cwd()),"
        " [(f.id, len(f.outcomes)) for f in r])"
    )
    result = subprocess.run(
        [str(python), "-c", script], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    assert result.stdout.strip() == ("True [('adults', 15), ('care-homes', 20), ('carers', 14)]")
    command = subprocess.run(
        [str(env / "bin" / "personal-outcomes"), "list"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "care-homes" in command.stdout
    example = ROOT / "examples" / "records" / "carers.jsonl"
    checked = subprocess.run(
        [str(env / "bin" / "personal-outcomes"), "validate", "--today", "2026-11-26", str(example)],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert checked.returncode == 1
    assert checked.stdout.endswith("3 records: 2 valid, 1 invalid (1 errors, 0 warnings)\n")
