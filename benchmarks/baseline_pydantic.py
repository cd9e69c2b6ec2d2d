"""Baseline: pydantic v2 models of record format 1.1, validating JSON Lines, as a whole process.

The models are built at start-up from the bundled frameworks with
``pydantic.create_model`` (framework ids, versions, outcome ids and review levels are
data): one record model per framework, joined in a discriminated union on
``framework``; a record may name the newest version or an earlier release (the outcome
ids are the newest version's, a superset). Everything is strict, unknown keys are
forbidden, and the strings carry the format's limits (lengths, non-blank text,
identifiers without spaces, context keys, real ``YYYY-MM-DD`` dates). Each line goes
straight from JSON to a model with ``TypeAdapter.validate_json``; on failure the error
list is built (every error pydantic reports) and the line is parsed once more only to
index its ``record_id``, so duplicate ids are found as ``personal-outcomes validate``
finds them.

    python benchmarks/baseline_pydantic.py benchmarks/_data/records-100k.jsonl

Prints one line: ``records=N valid=N invalid=N errors=N duplicates=N``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    create_model,
)

from personal_outcomes import Framework, bundled
from personal_outcomes._record_format import (
    CONTEXT_KEY_PATTERN,
    CONTRIBUTORS,
    IDENTIFIER_PATTERN,
    MAX_CONTEXT_FIELDS,
    MAX_CONTRIBUTIONS,
    MAX_LENGTH,
    MAX_OUTCOMES,
    PERSPECTIVES,
    STAGES,
)
from personal_outcomes._releases import earlier_releases

STRICT = ConfigDict(extra="forbid", strict=True)


def _text(name: str) -> object:
    return Annotated[
        str, StringConstraints(min_length=1, max_length=MAX_LENGTH[name], pattern=r"\S")
    ]


def _identifier(name: str) -> object:
    return Annotated[
        str,
        StringConstraints(min_length=1, max_length=MAX_LENGTH[name], pattern=IDENTIFIER_PATTERN),
    ]


def _literal(values: tuple[str, ...]) -> object:
    return Literal[values]  # Literal["a", "b", ...] from data


class Contribution(BaseModel):
    """One contribution to an outcome."""

    model_config = STRICT
    by: Literal[CONTRIBUTORS]  # type: ignore[valid-type]
    what: _text("what")  # type: ignore[valid-type]


Context = Annotated[
    dict[Annotated[str, StringConstraints(pattern=CONTEXT_KEY_PATTERN)], _text("context")],
    Field(min_length=1, max_length=MAX_CONTEXT_FIELDS),
]


def _outcome_model(framework: Framework) -> type[BaseModel]:
    status = _literal(framework.review_scale.ids)
    return create_model(
        f"Outcome_{framework.id}",
        __config__=STRICT,
        outcome=(_literal(framework.outcome_ids), ...),
        what_matters=(_text("what_matters"), ...),
        why_it_matters=(_text("why_it_matters") | None, None),
        contributions=(
            Annotated[list[Contribution], Field(min_length=1, max_length=MAX_CONTRIBUTIONS)] | None,
            None,
        ),
        status=(status | None, None),
        status_note=(_text("status_note") | None, None),
        perspective=(_literal(PERSPECTIVES) | None, None),
    )


def _record_model(framework: Framework) -> type[BaseModel]:
    outcome = _outcome_model(framework)
    versions = (framework.version, *(r.version for r in earlier_releases(framework)))
    return create_model(
        f"Record_{framework.id}",
        __config__=STRICT,
        record_id=(_identifier("record_id"), ...),
        framework=(Literal[framework.id], ...),
        framework_version=(_literal(versions) | None, None),
        person_id=(_identifier("person_id"), ...),
        recorded_on=(dt.date, ...),
        stage=(_literal(STAGES), ...),
        context=(Context | None, None),
        notes=(_text("notes") | None, None),
        outcomes=(
            Annotated[list[outcome], Field(min_length=1, max_length=MAX_OUTCOMES)],  # type: ignore[valid-type]
            ...,
        ),
    )


def record_adapter() -> TypeAdapter[Any]:
    """Return one adapter for records of every bundled framework (newest versions)."""
    per_framework = [_record_model(framework) for framework in bundled().latest()]
    return TypeAdapter(
        Annotated[Union[tuple(per_framework)], Field(discriminator="framework")]  # noqa: UP007
    )


def main() -> None:
    """Check the file; print the counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    args = parser.parse_args()

    adapter = record_adapter()
    validate = adapter.validate_json
    seen: set[str] = set()
    records = valid = errors = duplicates = 0
    with args.file.open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            records += 1
            problems = 0
            try:
                record_id: object = validate(line).record_id
            except ValidationError as error:
                problems = len(error.errors(include_url=False))
                try:
                    data = json.loads(line)
                except ValueError:
                    data = None
                record_id = data.get("record_id") if isinstance(data, dict) else None
            if isinstance(record_id, str):
                if record_id in seen:
                    duplicates += 1
                    problems += 1
                else:
                    seen.add(record_id)
            if problems:
                errors += problems
            else:
                valid += 1
    print(
        f"records={records} valid={valid} invalid={records - valid} "
        f"errors={errors} duplicates={duplicates}"
    )


if __name__ == "__main__":
    main()
