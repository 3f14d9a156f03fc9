"""The shop's own SQL (``--sources``) and its question/SQL pairs (``--examples``) as candidates.

A sources folder is a SQL Source Control or SSMS folder, or a folder of report
SQL (Crystal Reports exports, saved queries): every ``*.sql`` file below it.
Each batch is split on ``GO`` and into statements with the analyzer's own
splitter, so view bodies and the SELECTs inside procedures are found; every
SELECT becomes a statement to check. Where a description says what the
statement answers (the catalog's description of the view it defines, or a
``-- Description:`` / ``-- Purpose:`` comment above it), it also becomes a
question -> SQL candidate.

Symbolic links are not followed: only files really inside the folder are read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from vgpt2.catalog.catalog import Catalog
from vgpt2.server.analysis.statements import StatementKind, split_batches, split_statements
from vgpt2.training.dataset.records import Candidate
from vgpt2.training.eval.questions import FormatError, json_lines

_CREATE_VIEW = re.compile(r"\bCREATE\s+(?:OR\s+ALTER\s+)?VIEW\s+(?:\[?dbo\]?\.)?\[?(\w+)\]?",
                          re.IGNORECASE)
_DESCRIBED = re.compile(r"--\s*(?:Description|Purpose|Report)\s*:\s*(.{8,200})", re.IGNORECASE)
MAX_FILE_BYTES = 2_000_000


class SourceError(Exception):
    """A sources folder or examples file that cannot be read; the message names it."""


@dataclass(frozen=True, slots=True)
class SourceStatement:
    path: str
    line: int
    sql: str
    defines: str | None
    """The view a ``CREATE VIEW`` batch defines."""
    description: str | None


def sql_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise SourceError(f"{folder}: not a folder of SQL files")
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not (Path(root) / d).is_symlink())
        for name in sorted(files):
            path = Path(root) / name
            if name.lower().endswith(".sql") and not path.is_symlink():
                found.append(path)
    return found


def read_statements(folder: Path, catalog: Catalog) -> list[SourceStatement]:
    statements: list[SourceStatement] = []
    for path in sql_files(folder):
        if path.stat().st_size > MAX_FILE_BYTES:
            continue
        data = path.read_bytes()
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode(
            "utf-8-sig", errors="replace")
        relative = str(path.relative_to(folder))
        for batch in split_batches(text):
            view = _CREATE_VIEW.search(batch.text)
            defines = view.group(1) if view else None
            comment = _DESCRIBED.search(batch.text)
            description = comment.group(1).strip() if comment else None
            if description is None and defines:
                header = catalog.header(defines)
                description = header.description if header else None
            for statement in split_statements(batch.text):
                if statement.kind is not StatementKind.QUERY or not statement.tokens:
                    continue
                if statement.tokens[0].upper not in ("SELECT", "WITH"):
                    continue
                sql = batch.text[statement.start:statement.end].strip()
                line = text.count("\n", 0, batch.offset + statement.start) + 1
                statements.append(SourceStatement(relative, line, sql + "\n", defines,
                                                  description))
    return statements


def source_candidates(statements: list[SourceStatement], catalog: Catalog) -> list[Candidate]:
    """Question -> SQL candidates for the described statements (the rest stay FIM-only)."""
    from vgpt2.catalog.sql.tokens import tokenize
    from vgpt2.server.analysis.refs import source_refs

    found: list[Candidate] = []
    for number, statement in enumerate(statements):
        if not statement.description:
            continue
        objects = tuple(dict.fromkeys(
            catalog.preferred_name(r.name) for r in source_refs(tokenize(statement.sql))
            if r.kind == "object" and not r.defines and catalog.lookup(r.name)))
        question = statement.description.rstrip(".") + "."
        found.append(Candidate(question=question, sql=statement.sql, kind="source",
                               pattern="shop SQL", template="source", objects=objects,
                               origin=f"{statement.path}:{statement.line}", number=number))
    return found


def load_examples(path: Path) -> list[Candidate]:
    """``{"question": ..., "sql": ...}`` per line; a bad line is an error naming file and line."""
    try:
        records = json_lines(path)
    except FormatError as error:
        raise SourceError(str(error)) from None
    found: list[Candidate] = []
    for number, record in records:
        question, sql = record.get("question"), record.get("sql")
        if not isinstance(question, str) or not question.strip():
            raise SourceError(f"{path}:{number}: \"question\" must be a non-empty string")
        if not isinstance(sql, str) or not sql.strip():
            raise SourceError(f"{path}:{number}: \"sql\" must be a non-empty string")
        found.append(Candidate(question=question.strip(), sql=sql.strip() + "\n",
                               kind="example", pattern="user pair", template="example",
                               objects=(), origin=f"{path.name}:{number}", number=number))
    return found
