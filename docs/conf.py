"""Sphinx configuration for the personal-outcomes documentation.

The build runs with warnings as errors and nitpicky references
(``sphinx-build -W --keep-going -n``). One page per framework is generated from
the bundled data when the build starts, so the documentation cannot drift from
the framework files; the tables of the profile format reference are generated from
the profile schema in the same way.
"""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

import personal_outcomes

DOCS = Path(__file__).resolve().parent
GENERATED = DOCS / "frameworks" / "_generated"
CHARTS = DOCS / "guides" / "_generated"
# Tables included by other pages, never pages of their own (hence excluded below).
REFERENCE = DOCS / "reference" / "_generated"
# The validator page as `make web` builds it, published at validator/ beside the HTML.
VALIDATOR = DOCS.parent / "web" / "_build"

project = "personal-outcomes"
author = "The personal-outcomes developers"
copyright = "the personal-outcomes developers; Apache-2.0"
release = personal_outcomes.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "reference/_generated"]
language = "en"

# MyST: directives in fences (```{eval-rst}), definition lists and ::: fences.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Autodoc: signatures show types; the long field lists of attrs classes read
# better one parameter to a line.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_class_signature = "mixed"
add_module_names = False
python_maximum_signature_line_length = 88

nitpicky = True
# Standard-library types that autodoc puts in signatures. Without intersphinx
# (the build has no network) there is nothing to link them to; Sphinx already
# resolves builtins and ``typing`` names by itself.
nitpick_ignore = [
    ("py:class", "collections.abc.Iterable"),
    ("py:class", "collections.abc.Iterator"),
    ("py:class", "collections.abc.Mapping"),
    ("py:class", "collections.abc.Sequence"),
    ("py:class", "datetime.date"),
    ("py:class", "os.PathLike"),
    ("py:mod", "importlib.resources"),
    # A foreign library's exception, named in OutcomesRecord.from_data's docstring.
    ("py:class", "cattrs.errors.ClassValidationError"),
    # The private base class of the four Unknown...Error lookups; the reference
    # documents its fields on the page instead.
    ("py:class", "personal_outcomes.errors._UnknownInFrameworkError"),
    # The type variable of the disclosure-control tables' keys (any hashable key).
    ("py:class", "personal_outcomes.summaries._disclosure.K"),
]

html_theme = "furo"
html_title = f"personal-outcomes {release}"
html_static_path: list[str] = []


def write_framework_pages(app: Sphinx) -> None:
    """Write one MyST page per bundled framework (newest version) from the data."""
    from personal_outcomes.frameworks._render import framework_markdown  # noqa: PLC0415

    del app
    GENERATED.mkdir(parents=True, exist_ok=True)
    for framework in personal_outcomes.bundled().latest():
        page = GENERATED / f"{framework.id}.md"
        text = framework_markdown(framework)
        # Rewrite only on change, so incremental builds stay incremental.
        if not page.exists() or page.read_text(encoding="utf-8") != text:
            page.write_text(text, encoding="utf-8", newline="\n")


def draw_example_chart(app: Sphinx) -> None:
    """Draw the chart of the "Using information" guide from the example records."""
    import datetime  # noqa: PLC0415

    from personal_outcomes.summaries import Grouping, draw_chart, summarise  # noqa: PLC0415

    del app
    CHARTS.mkdir(parents=True, exist_ok=True)
    examples = sorted((DOCS.parent / "examples" / "records").iterdir())
    validator = personal_outcomes.Validator(today=datetime.date(2026, 11, 26))
    summary = summarise(
        validator.iter_validate(examples), grouping=Grouping(fields=("context.team",))
    )
    draw_chart(summary, personal_outcomes.bundled(), CHARTS / "review-levels.svg")


#: What each key of an import profile says, in words; the build fails if the profile
#: schema gains or loses a key, so that the reference cannot drift from it.
PROFILE_KEYS = {
    "profile": "The version of the profile format.",
    "format": "What the export is: a CSV file, or an Excel workbook.",
    "encoding": "The text encoding of the CSV file.",
    "delimiter": "What separates the cells of a row.",
    "sheet": "The name of the worksheet to read, exactly as the workbook has it.",
    "header_row": "The row (counted from 1) that holds the column names; rows above it are "
    "skipped.",
    "fields": "How each field of the record format is filled (below).",
}


def _yaml(value: object) -> str:
    """Write a value as a profile would, quoted when YAML needs it, as code."""
    import json  # noqa: PLC0415
    import re  # noqa: PLC0415

    text = str(value)
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", text):
        text = json.dumps(value)
    return "`" + text.replace("|", "\\|") + "`"


def _either(items: list[object]) -> str:
    shown = [_yaml(item) for item in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _allowed(spec: dict[str, Any]) -> str:
    """Say in words what a key of the profile schema takes."""
    if "const" in spec:
        return _yaml(spec["const"])
    if "enum" in spec:
        return _either(spec["enum"])
    if spec.get("type") == "string":
        return f"text, {spec['minLength']} to {spec['maxLength']} characters"
    if spec.get("type") == "integer":
        return f"a whole number from {spec['minimum']} to {spec['maximum']}"
    return "a mapping"


def profile_tables() -> dict[str, str]:
    """Return the tables of the profile format reference (keys, fields) by file name."""
    import attrs  # noqa: PLC0415

    from personal_outcomes._record_format import OUTCOME_FIELDS  # noqa: PLC0415
    from personal_outcomes.exports import Profile  # noqa: PLC0415
    from personal_outcomes.schemas import profile_schema  # noqa: PLC0415
    from personal_outcomes.schemas._profile import (  # noqa: PLC0415
        PROFILE_FIELDS,
        PROFILE_REQUIRED,
    )

    schema: Any = profile_schema()
    keys = schema["properties"]
    if set(keys) != set(PROFILE_KEYS):
        raise ValueError("docs/conf.py: PROFILE_KEYS must describe every key of the schema")
    formats = {name: list(keys["format"]["enum"]) for name in keys}
    for rule in schema["allOf"]:  # "if the format is F, then not these keys"
        refused = rule["then"]["not"]
        for part in refused.get("anyOf", [refused]):
            for name in part["required"]:
                formats[name].remove(rule["if"]["properties"]["format"]["const"])
    defaults = {item.name: item.default for item in attrs.fields(Profile) if item.name in keys}
    defaults["sheet"] = "the first sheet"
    lines = [
        "| key | required | value | default | use |",
        "|---|---|---|---|---|",
    ]
    for name, spec in keys.items():
        required = "yes" if name in schema["required"] else "no"
        default = defaults.get(name)
        shown = "" if default is None or required == "yes" else default
        if shown not in {"", "the first sheet"}:
            shown = _yaml(shown)
        notes = PROFILE_KEYS[name]
        if formats[name] != list(keys["format"]["enum"]):
            notes += " Only for " + _either(formats[name]) + " exports."
        lines.append(f"| `{name}` | {required} | {_allowed(spec)} | {shown} | {notes} |")
    tables = {"profile-keys.md": "\n".join(lines) + "\n"}

    fields = schema["properties"]["fields"]
    if list(fields["required"]) != list(PROFILE_REQUIRED):
        raise ValueError("docs/conf.py: the schema's required fields are not PROFILE_REQUIRED")
    context = next(iter(fields["patternProperties"].values()))
    rows = [(name, fields["properties"][name]) for name in PROFILE_FIELDS]
    rows.append(("context.NAME", context))
    lines = [
        "| field | required | belongs to | "
        + " | ".join(f"`{key}`" for key in ("column", "value", "values", "date_format", "match"))
        + " |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, spec in rows:
        shapes = spec["oneOf"]
        refs = {shape.get("$ref") for shape in shapes}
        extra = next(shape["properties"] for shape in shapes if "properties" in shape)
        values = extra.get("values", {}).get("additionalProperties", {})
        cells = [
            f"`{name}`",
            "yes" if name in PROFILE_REQUIRED else "no",
            "each outcome" if name in OUTCOME_FIELDS else "the record",
            "yes" if "#/$defs/column" in refs else "no",
            "yes" if "#/$defs/constant" in refs else "no",
            ("onto " + _either(values["enum"]) if "enum" in values else "yes")
            if "values" in extra
            else "no",
            "yes" if "date_format" in extra else "no",
            _either(extra["match"]["enum"]) if "match" in extra else "no",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    tables["profile-fields.md"] = "\n".join(lines) + "\n"
    return tables


def write_profile_tables(app: Sphinx) -> None:
    """Write the tables of the profile format reference from the profile schema."""
    del app
    REFERENCE.mkdir(parents=True, exist_ok=True)
    # A generated folder that keeps itself out of git.
    ignore = REFERENCE / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8", newline="\n")
    for name, text in profile_tables().items():
        page = REFERENCE / name
        if not page.exists() or page.read_text(encoding="utf-8") != text:
            page.write_text(text, encoding="utf-8", newline="\n")


def crosswalk_tables() -> dict[str, str]:
    """Return the tables of the national outcomes reference, from the bundled crosswalk."""
    from personal_outcomes.interop import crosswalk  # noqa: PLC0415

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    walk = crosswalk()
    frameworks = personal_outcomes.bundled().latest()
    lines = ["| number | short title | wording |", "|---:|---|---|"]
    lines.extend(
        f"| {national.number} | {cell(national.title)} | {cell(national.wording)} |"
        for national in walk.national_outcomes
    )
    tables = {"national-outcomes.md": "\n".join(lines) + "\n"}
    lines = [
        "| national outcome | " + " | ".join(f"`{fw.id}`" for fw in frameworks) + " |",
        "|---" * (len(frameworks) + 1) + "|",
    ]
    for national in walk.national_outcomes:
        serving = [walk.outcomes_serving(national.number, fw) for fw in frameworks]
        cells = [", ".join(f"`{outcome}`" for outcome in ids) or "none" for ids in serving]
        lines.append(f"| {national.number} {cell(national.title)} | " + " | ".join(cells) + " |")
    tables["crosswalk-by-national-outcome.md"] = "\n".join(lines) + "\n"
    for framework in frameworks:
        lines = ["| outcome | national outcomes | why |", "|---|---|---|"]
        for outcome in framework.outcomes:
            links = walk.links(framework, outcome.id)
            numbers = ", ".join(str(link.number) for link in links) or "none"
            why = " ".join(f"**{link.number}**: {cell(link.rationale)}" for link in links)
            lines.append(f"| {cell(outcome.label)} (`{outcome.id}`) | {numbers} | {why} |")
        tables[f"crosswalk-{framework.id}.md"] = "\n".join(lines) + "\n"
    return tables


def write_crosswalk_tables(app: Sphinx) -> None:
    """Write the tables of the national outcomes reference from the bundled crosswalk."""
    del app
    REFERENCE.mkdir(parents=True, exist_ok=True)
    for name, text in crosswalk_tables().items():
        page = REFERENCE / name
        if not page.exists() or page.read_text(encoding="utf-8") != text:
            page.write_text(text, encoding="utf-8", newline="\n")


def drop_type_docstrings(  # noqa: PLR0917 (Sphinx passes the six arguments by position)
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Leave out the docstring of a constant's type (``str``, ``tuple``).

    A module constant has no docstring of its own, so autodoc would show its
    type's; the API pages describe each constant in words instead.
    """
    del app, name, options
    if what == "data" and not isinstance(obj, type):
        own = inspect.getdoc(obj)
        if own is not None and own == inspect.getdoc(type(obj)):
            lines.clear()


def publish_validator(app: Sphinx, exception: Exception | None) -> None:
    """Copy the validator page to validator/ in the HTML output, if `make web` built it.

    `make docs` builds it first; a build without it still passes, with a note in its log.
    """
    if exception is not None or app.builder.format != "html":
        return
    if not (VALIDATOR / "manifest.json").is_file():
        logging.getLogger(__name__).info("the validator page is not built (make web)")
        return
    target = Path(app.outdir) / "validator"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(VALIDATOR, target)


def setup(app: Sphinx) -> dict[str, object]:
    """Generate the framework pages as soon as the builder exists."""
    app.connect("builder-inited", write_framework_pages)
    app.connect("builder-inited", draw_example_chart)
    app.connect("builder-inited", write_profile_tables)
    app.connect("builder-inited", write_crosswalk_tables)
    app.connect("autodoc-process-docstring", drop_type_docstrings)
    app.connect("build-finished", publish_validator)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
