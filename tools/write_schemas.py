"""Write the JSON Schemas shipped in the package from their definitions in code.

Run ``make schemas`` after changing a schema definition or a bundled framework; a
test fails while the shipped files and the code disagree.
"""

from __future__ import annotations

from pathlib import Path

from personal_outcomes import bundled
from personal_outcomes._releases import earlier_releases
from personal_outcomes.schemas import (
    CROSSWALK_SCHEMA_NAME,
    DERIVED_FRAMEWORK_SCHEMA_NAME,
    FRAMEWORK_SCHEMA_NAME,
    PROFILE_SCHEMA_NAME,
    crosswalk_schema,
    derived_framework_schema,
    framework_file_schema,
    profile_schema,
    record_schema,
    record_schema_name,
)
from personal_outcomes.schemas._json import schema_text

SCHEMAS = Path(__file__).resolve().parent.parent / "src" / "personal_outcomes" / "schemas"


def schema_files() -> dict[str, str]:
    """Return each shipped schema's file name (relative) and its exact text."""
    files = {
        FRAMEWORK_SCHEMA_NAME: schema_text(framework_file_schema()),
        record_schema_name(): schema_text(record_schema()),
        PROFILE_SCHEMA_NAME: schema_text(profile_schema()),
        CROSSWALK_SCHEMA_NAME: schema_text(crosswalk_schema()),
        DERIVED_FRAMEWORK_SCHEMA_NAME: schema_text(derived_framework_schema()),
    }
    for framework in bundled():
        files[record_schema_name(framework)] = schema_text(record_schema(framework))
    # Earlier releases (from the manifest) keep their published schemas, in the current
    # record format: the newest data with that release's outcome ids.
    for framework in bundled().latest():
        for release in earlier_releases(framework):
            schema = record_schema(framework, version=release.version)
            files[record_schema_name(framework, release.version)] = schema_text(schema)
    return files


def main() -> None:
    """Write every schema file."""
    for name, text in schema_files().items():
        path = SCHEMAS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
