"""Sphinx configuration for the personal-outcomes documentation.

The build runs with warnings as errors and nitpicky references
(``sphinx-build -W --keep-going -n``). One page per framework is generated from
the bundled data when the build starts, so the documentation cannot drift from
the framework files.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from sphinx.application import Sphinx

import personal_outcomes

DOCS = Path(__file__).resolve().parent
GENERATED = DOCS / "frameworks" / "_generated"
CHARTS = DOCS / "guides" / "_generated"

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
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
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


def setup(app: Sphinx) -> dict[str, object]:
    """Generate the framework pages as soon as the builder exists."""
    app.connect("builder-inited", write_framework_pages)
    app.connect("builder-inited", draw_example_chart)
    app.connect("autodoc-process-docstring", drop_type_docstrings)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
