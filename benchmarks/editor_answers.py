"""What the editor engines answer at every cursor position of the test corpus, to compare two trees.

A refactoring of completion, hover, signature help, go-to-definition or document symbols
should not change what a user sees. Run this once on the tree before and once on the tree
after (``git archive REV catalog server training`` unpacked under ``DIR/vgpt2``, then
``PYTHONPATH=DIR``), on the same compiled catalog, and compare the two files:

    PYTHONPATH=/tmp/before .venv/bin/python benchmarks/editor_answers.py CATALOG before.jsonl
    PYTHONPATH=/tmp/after  .venv/bin/python benchmarks/editor_answers.py CATALOG after.jsonl
    .venv/bin/python benchmarks/editor_answers.py --compare before.jsonl after.jsonl

Positions: the start, middle and end of every token of every corpus file (whole text:
hover, the first 30 completion items, the completion context and its references, signature
help, definition, and each file's symbols), and the text cut at the end and middle of every
token (half-typed: completion, hover just before the cut, signature help). Not timed.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "analysis" / "corpus"


def answers(catalog_path: Path, output: Path) -> int:
    from vgpt2.catalog.catalog import Catalog
    from vgpt2.catalog.sql.tokens import tokenize
    from vgpt2.server.analysis.completion import complete
    from vgpt2.server.analysis.context import read_context
    from vgpt2.server.analysis.definition import definition_at
    from vgpt2.server.analysis.hover import hover
    from vgpt2.server.analysis.signature import signature_help
    from vgpt2.server.analysis.symbols import document_symbols

    catalog = Catalog.open(catalog_path)
    rows = 0
    with output.open("w", encoding="utf-8") as out:
        for path in sorted(CORPUS.glob("*/*.sql")):
            text = path.read_text(encoding="utf-8")
            out.write(json.dumps([path.name, "symbols", repr(document_symbols(text))]) + "\n")
            tokens = tokenize(text)
            whole = sorted({o for t in tokens for o in (t.start, t.end, (t.start + t.end) // 2)})
            for offset in whole:
                shown = hover(text, offset, catalog)
                context = read_context(text, offset)
                signature = signature_help(text, offset, catalog)
                out.write(json.dumps([
                    path.name, "whole", offset,
                    shown and (shown.markdown, shown.start, shown.end),
                    [(i.label, i.kind, i.insert_text, i.detail)
                     for i in complete(text, offset, catalog)[:30]],
                    str(context.kind), context.clause,
                    [(r.name, r.alias, str(r.kind), r.clause, r.columns, r.star, r.hinted,
                      r.outer, r.start, r.end) for r in context.refs],
                    [(r.name, r.columns) for r in context.ctes],
                    signature and (signature.label, signature.active_parameter),
                    repr(definition_at(text, offset, catalog))], default=str) + "\n")
            cuts = sorted({o for t in tokens for o in (t.end, (t.start + t.end + 1) // 2)})
            for offset in cuts:
                cut = text[:offset]
                shown = hover(cut, max(offset - 1, 0), catalog)
                signature = signature_help(cut, offset, catalog)
                out.write(json.dumps([
                    path.name, "cut", offset,
                    [(i.label, i.insert_text) for i in complete(cut, offset, catalog)[:25]],
                    shown and shown.markdown,
                    signature and (signature.label, signature.active_parameter)]) + "\n")
            rows += 1 + len(whole) + len(cuts)
    catalog.close()
    return rows


def compare(before: Path, after: Path) -> int:
    """Print where the two answer files differ (file, kind, which fields); the count."""
    old = before.read_text(encoding="utf-8").splitlines()
    new = after.read_text(encoding="utf-8").splitlines()
    if len(old) != len(new):
        print(f"different positions: {len(old)} rows in {before}, {len(new)} in {after}")
        return max(len(old), len(new))
    differences: Counter[tuple[str, str, tuple[int, ...]]] = Counter()
    for first, second in zip(old, new, strict=True):
        if first != second:
            a, b = json.loads(first), json.loads(second)
            fields = tuple(i for i in range(len(a)) if a[i] != b[i])
            differences[(a[0], a[1], fields)] += 1
            print(f"{a[0]} {a[1]} at {a[2] if len(a) > 2 else ''}: fields {fields}")
    print(f"{len(old)} positions, {sum(differences.values())} differ")
    return sum(differences.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs=2, type=Path,
                        help="CATALOG OUTPUT, or with --compare BEFORE AFTER")
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    if args.compare:
        raise SystemExit(1 if compare(*args.paths) else 0)
    print(f"{answers(*args.paths)} rows written to {args.paths[1]}")


if __name__ == "__main__":
    main()
