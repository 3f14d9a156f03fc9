"""Write ``docs/rules.md`` from the rule modules: ``python -m vgpt2.server.analysis.rules.docs``.

The table comes from each rule's metadata and each section from its module's
docstring, so the page cannot drift from the code (a test compares the
committed file with this output).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vgpt2.server.analysis.rules import RULES, Rule

_TITLE = """# vgpt2 rules

`vgpt2 check` (and the language server) reports these findings. Codes and names
never change meaning; a rule that is retired keeps its number."""

_GENERAL = """## Turning rules up, down or off

Per project, in `vgpt2.toml`:

```toml
[rules]
VG004 = "error"    # error | warning | info | hint | off
VG007 = "off"
```

or in `pyproject.toml` under `[tool.vgpt2.rules]`. Unknown codes and levels are
configuration errors (exit 2), so a typo never silently does nothing.

Per run: `vgpt2 check --select VG001,VG002` (only these) or `--ignore VG007`.

Per line or file, in the SQL itself:

```sql
SELECT * FROM bAPTH  -- vgpt2: disable=VG005
-- vgpt2: disable-file=VG004,VG007
```

`disable=ALL` silences every rule on its line.

## How the fixes are applied

`vgpt2 fix` applies only *safe* fixes: edits that cannot change what a correct
query means (adding `WITH (NOLOCK)`, correcting the case of a name, the view
for its base table, the missing columns of a composite-key join). Suggestions
that need a person — which object you meant, which month — are offered in
`--format json`/SARIF and in the editor, never applied blindly. Fixing runs the
analyzer again until nothing is left to fix, so running it twice changes
nothing the second time."""


def _fixed_by(rule: Rule) -> str:
    if rule.fixable:
        return "yes"
    return f"no ({rule.offers})" if rule.offers else "no"


def render() -> str:
    """The whole page, as committed."""
    rows = ["| code | name | default | fixed by `vgpt2 fix` |", "|---|---|---|---|"]
    rows += [f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {r.severity.value} "
             f"| {_fixed_by(r)} |" for r in RULES.values()]
    sections = [f"## {r.code} {r.name}\n\n{r.doc.strip()}" for r in RULES.values()]
    return "\n\n".join([_TITLE, "\n".join(rows), _GENERAL, "---", *sections]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print (or write) docs/rules.md.")
    parser.add_argument("--write", type=Path, metavar="PATH",
                        help="write the page to PATH (temp file, then rename)")
    args = parser.parse_args(argv)
    text = render()
    if args.write is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        return 0
    temp = args.write.with_name(args.write.name + ".tmp")
    temp.write_text(text, encoding="utf-8", newline="\n")
    temp.replace(args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
