"""The package runs without its compiled accelerators, as in a browser.

``make test`` runs the agreement and corpus tests twice: as usual, and with
``PERSONAL_OUTCOMES_BLOCK_ACCELERATORS=1``, which makes msgspec, orjson, PyYAML's
libyaml binding and rpds (so jsonschema) impossible to import (see conftest.py).
These tests say which run they are in, and that each took the path it should.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import BLOCKING
from factories import TODAY_ARG, record
from personal_outcomes import _rpds
from personal_outcomes._formats import _json, _strict_json
from personal_outcomes.frameworks import bundled
from personal_outcomes.validation import _run


def test_the_accelerators_are_used_where_installed_and_blocked_where_not() -> None:
    clean = json.dumps(record()).encode()
    line_check = _run.Engine(bundled()).line_check
    if BLOCKING:
        for name in ("msgspec", "orjson", "yaml._yaml"):
            with pytest.raises(ModuleNotFoundError):
                importlib.import_module(name)
        # jsonschema runs on the package's stand-in for rpds.
        assert importlib.import_module("rpds") is _rpds
        assert _json._loads is _strict_json.loads
        assert _json._StrictError is _strict_json.StrictJSONError
        assert line_check(clean) is None  # no line is proved clean in advance
        assert not yaml.__with_libyaml__
    else:
        import orjson  # noqa: PLC0415

        assert _json._loads is orjson.loads
        assert line_check(clean) == record()["record_id"]
        assert yaml.__with_libyaml__


def test_validate_and_summarise_need_no_compiled_module(tmp_path: Path) -> None:
    """None imports jsonschema (nor, blocked, msgspec or orjson): a browser lacks rpds."""
    path = tmp_path / "records.jsonl"
    bad = dict(record(), person_id="")
    path.write_text(f"{json.dumps(record())}\n{json.dumps(bad)}\n{{\n", encoding="utf-8")
    script = (
        "import io, sys\n"
        "sys.path.insert(0, 'tests')\n"
        "import conftest\n"
        "from personal_outcomes._cli import run\n"
        "for command in ('validate', 'summarise', 'journeys'):\n"
        f"    code = run([command, {TODAY_ARG!r}, {str(path)!r}], io.StringIO(), sys.stderr)\n"
        "    assert code in (0, 1), code\n"
        "print(sorted({'jsonschema', 'msgspec', 'orjson', 'rpds'} & set(sys.modules)))\n"
    )
    environment = {**os.environ, "PERSONAL_OUTCOMES_BLOCK_ACCELERATORS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, check=False
    )
    assert (done.returncode, done.stderr) == (0, "")
    # rpds is there as the stand-in, installed before anything could import jsonschema.
    assert done.stdout == "['rpds']\n"
