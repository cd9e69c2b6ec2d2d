"""Record the digest of each bundled framework version in frameworks/MANIFEST.json.

Run ``make manifest`` after a deliberate change to a framework file *and* a bump of
its ``version``. Existing entries are never rewritten: changing the content of a
released version is refused, so the test suite keeps catching unbumped edits.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from personal_outcomes import bundled

MANIFEST = Path(__file__).resolve().parent.parent / "frameworks" / "MANIFEST.json"


def main() -> int:
    """Add an entry for every framework version not yet recorded."""
    manifest: dict[str, dict[str, dict[str, object]]] = (
        json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.exists() else {}
    )
    status = 0
    for framework in bundled():
        versions = manifest.setdefault(framework.id, {})
        entry = versions.get(framework.version)
        if entry is not None:
            if entry["sha256"] != framework.digest:
                print(
                    f"{framework.id} {framework.version}: content changed but the version did not;"
                    " bump `version` in the framework file (see docs/versioning.md)",
                    file=sys.stderr,
                )
                status = 1
            continue
        versions[framework.version] = {
            "sha256": framework.digest,
            "categories": [category.id for category in framework.categories],
            "outcomes": [outcome.id for outcome in framework.outcomes],
            "retired": [outcome.id for outcome in framework.outcomes if outcome.retired],
        }
        print(f"recorded {framework.id} {framework.version}")
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    MANIFEST.write_text(text, encoding="utf-8", newline="\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
