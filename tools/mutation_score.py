"""Score a mutmut run per module, counting message-only mutants as equivalent.

Run from the repository's root after ``mutmut run`` (``make mutation`` does both).
It reads what mutmut left in ``mutants/``: each mutated module's ``.meta`` file
(the exit code of every mutant's test run) and the mutated module itself, which
holds the original of each function (``..._mutmut_orig``) beside every mutant of
it (``..._mutmut_N``).

How mutants are counted
-----------------------

- **Killed**: the tests failed (mutmut's ``killed``), ran out of time
  (``timeout``), or were ended by a signal (``segfault``: mutmut ends a mutant
  that runs past its time with SIGKILL): either way the tests noticed.
- **Message-only** (counted as equivalent): a mutant that survived and whose only
  change, compared with the original function's syntax tree, is to string
  literals that are prose, that is text holding two words separated by a space
  (``"must not be empty"`` → ``"XXmust not be emptyXX"`` or
  ``"MUST NOT BE EMPTY"``). Messages are for people and may be reworded at any
  time (docs/reference/issues.md), so such a mutant is no gap in the rules. A
  changed literal that is not prose (a field name, an id, a separator such as
  ``":"``) never makes a mutant message-only.
- **Survived**: every other mutant whose tests passed, and mutants no selected
  test runs at all (mutmut's ``no tests``), and ``suspicious`` ones.

The score is killed / (all mutants - message-only), per module and overall;
the raw score, killed / all mutants, is shown beside it. ``--fail-under P`` exits
1 when a module scores below P percent; ``--show`` prints the diff of every
mutant that still counts as survived, and ``--show-equivalent`` of every one
counted as message-only, so that the classification can be checked by eye.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

# mutmut 3's exit codes (mutmut/stats.py, status_by_exit_code).
KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout"}
KILLED |= {255: "timeout", -9: "segfault", -11: "segfault"}
SURVIVED = {0: "survived", 33: "no tests", 5: "no tests"}
#: Prose: two words with a space between (a message, never an id or a field name).
PROSE = re.compile(r"[A-Za-z]+[^\w\n]* [^\w\n]*[A-Za-z]+")


def mutated_modules(root: Path) -> list[str]:
    """Return the modules mutmut is told to mutate, as paths from the root."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["mutmut"]["only_mutate"])


def functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    """Return every function of a module and of its classes, by name (not nested ones)."""
    found: dict[str, ast.FunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    found[item.name] = item
    return found


def changed_strings(
    original: ast.FunctionDef, mutant: ast.FunctionDef
) -> list[tuple[str, str]] | None:
    """Return the string literals the mutant changed, or None if it changed anything else."""
    changes: list[tuple[str, str]] = []

    def same(a: object, b: object) -> bool:
        if type(a) is not type(b):
            return False
        if isinstance(a, ast.Constant) and isinstance(b, ast.Constant):
            return constants(a.value, b.value)
        if isinstance(a, ast.AST):
            return all(same(getattr(a, f, None), getattr(b, f, None)) for f in a._fields)
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
        return a == b

    def constants(a: object, b: object) -> bool:
        if type(a) is not type(b):
            return False
        if a != b and isinstance(a, str) and isinstance(b, str):
            changes.append((a, b))
            return True
        return a == b

    if not (same(original.args, mutant.args) and same(original.body, mutant.body)):
        return None
    return changes


def message_only(original: ast.FunctionDef, mutant: ast.FunctionDef) -> bool:
    """Say whether a mutant changes only string literals, and only ones that are prose."""
    changes = changed_strings(original, mutant)
    return bool(changes) and all(PROSE.search(before) for before, _ in changes or ())


def diff(source: str, original: ast.FunctionDef, mutant: ast.FunctionDef) -> str:
    """Return the unified diff between the original function and one mutant of it."""
    lines = source.splitlines()
    before = lines[original.lineno - 1 : original.end_lineno]
    after = lines[mutant.lineno - 1 : mutant.end_lineno]
    before[0] = before[0].replace(original.name, "function", 1)
    after[0] = after[0].replace(mutant.name, "function", 1)
    return "\n".join(difflib.unified_diff(before, after, lineterm="", n=1))


class Module:
    """The mutants of one module and what became of them."""

    def __init__(self, root: Path, path: str) -> None:
        """Read the module's mutants and their exit codes from ``mutants/``."""
        self.path = path
        mutants = root / "mutants" / path
        meta = json.loads(Path(f"{mutants}.meta").read_text(encoding="utf-8"))
        self.exit_codes: dict[str, int | None] = meta["exit_code_by_key"]
        self.source = mutants.read_text(encoding="utf-8")
        self.functions = functions(ast.parse(self.source))
        self.status: dict[str, str] = {}
        for key, code in self.exit_codes.items():
            self.status[key] = self._classify(key, code)

    def _pair(self, key: str) -> tuple[ast.FunctionDef, ast.FunctionDef]:
        name = key.rpartition(".")[2]
        stem = name.rpartition("__mutmut_")[0]
        return self.functions[f"{stem}__mutmut_orig"], self.functions[name]

    def _classify(self, key: str, code: int | None) -> str:
        if code is None:
            return "not checked"
        if code in KILLED:
            return "killed"
        if code == 0 and message_only(*self._pair(key)):
            return "message-only"
        return "survived" if code in SURVIVED else "suspicious"

    def counts(self) -> Counter[str]:
        """Return how many mutants ended in each status."""
        return Counter(self.status.values())

    def keys(self, *statuses: str) -> Iterator[str]:
        """Yield the mutants that ended in one of these statuses, in name order."""
        for key in sorted(self.status, key=_natural):
            if self.status[key] in statuses:
                yield key

    def diff(self, key: str) -> str:
        """Return one mutant's diff against its original."""
        return diff(self.source, *self._pair(key))


def _natural(key: str) -> tuple[str, int]:
    stem, _, number = key.rpartition("_")
    return stem, int(number) if number.isdigit() else 0


def score(counts: Counter[str]) -> tuple[float, float]:
    """Return (the raw score, the score with message-only mutants as equivalent), in percent."""
    total = sum(counts.values())
    killed = counts["killed"]
    counted = total - counts["message-only"]
    return 100 * killed / max(total, 1), 100 * killed / max(counted, 1)


def main(argv: list[str] | None = None) -> int:
    """Print the scores; return 1 if a module is below --fail-under or was not checked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--root", type=Path, default=Path())
    parser.add_argument("--fail-under", type=float, default=None, metavar="PERCENT")
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    parser.add_argument("--show-equivalent", action="store_true", help="and each message-only")
    options = parser.parse_args(argv)
    modules = [Module(options.root, path) for path in mutated_modules(options.root)]
    header = f"{'module':<48} {'mutants':>7} {'killed':>6} {'message-only':>12} "
    header += f"{'survived':>8} {'raw':>6} {'score':>6}"
    print(header)
    everything: Counter[str] = Counter()
    failed = False
    for module in modules:
        counts = module.counts()
        everything += counts
        raw, counted = score(counts)
        print(
            f"{module.path:<48} {sum(counts.values()):>7} {counts['killed']:>6} "
            f"{counts['message-only']:>12} "
            f"{counts['survived'] + counts['suspicious'] + counts['not checked']:>8} "
            f"{raw:>5.1f}% {counted:>5.1f}%"
        )
        if counts["not checked"] or (
            options.fail_under is not None and counted < options.fail_under
        ):
            failed = True
    raw, counted = score(everything)
    print(
        f"{'all':<48} {sum(everything.values()):>7} {everything['killed']:>6} "
        f"{everything['message-only']:>12} "
        f"{everything['survived'] + everything['suspicious'] + everything['not checked']:>8} "
        f"{raw:>5.1f}% {counted:>5.1f}%"
    )
    if everything["not checked"]:
        print(f"{everything['not checked']} mutants were not checked: the run did not finish")
    wanted = ["survived", "suspicious"] if options.show else []
    wanted += ["message-only"] if options.show_equivalent else []
    for module in modules:
        for key in module.keys(*wanted):
            print(f"\n# {key}: {module.status[key]}\n{module.diff(key)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
