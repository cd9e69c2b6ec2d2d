"""Write the JSON Schemas shipped in the package from their definitions in code.

Run ``make schemas`` after changing a schema definition; a test fails while the
shipped files and the code disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

from personal_outcomes.schemas import FRAMEWORK_SCHEMA_NAME, framework_file_schema

SCHEMAS = Path(__file__).resolve().parent.parent / "src" / "personal_outcomes" / "schemas"


def schema_files() -> dict[str, str]:
    """Return each shipped schema's file name and its exact text."""
    return {
        FRAMEWORK_SCHEMA_NAME: json.dumps(framework_file_schema(), indent=2, ensure_ascii=False)
        + "\n"
    }


def main() -> None:
    """Write every schema file."""
    for name, text in schema_files().items():
        (SCHEMAS / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
