"""Where the cursor is: the ``GO`` batch around an offset, and the words that are never names.

Shared by the completion context, hover, signature help and go-to-definition.
The batch is found without tokenizing the document, with the ``GO``-line scan of
the SQL text layer (:mod:`vgpt2.catalog.sql.batches`), reading the text only up
to the end of the batch the cursor is in.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from vgpt2.catalog.sql.batches import Batch, go_lines
from vgpt2.catalog.sql.batches import spans as text_spans

__all__ = ["HINT_WORDS", "RESERVED", "RESERVED_WORDS", "Scan", "batch_at", "batches",
           "go_lines", "scan"]

# -- vocabulary ---------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


RESERVED_WORDS = _words("""
ADD ALL ALTER AND ANY APPLY AS ASC BEGIN BETWEEN BREAK BY CASE CLOSE COMMIT CONTINUE CREATE
CROSS CURSOR DEALLOCATE DECLARE DEFAULT DELETE DESC DISTINCT DROP ELSE END EXCEPT EXEC EXECUTE
EXISTS FETCH FOR FROM FULL GO GOTO GROUP HAVING IF IN INNER INSERT INTERSECT INTO IS JOIN LEFT
LIKE MERGE NOT NULL ON OPEN OPTION OR ORDER OUTER OUTPUT PIVOT PRINT RAISERROR RETURN RIGHT
ROLLBACK SELECT SET TABLESAMPLE THEN THROW TOP TRUNCATE UNION UNPIVOT UPDATE USE USING VALUES
WAITFOR WHEN WHERE WHILE WITH
""")
"""Words that end a table reference in half-typed SQL: never an alias without AS (the
completion context's and completion's notion of a keyword)."""

RESERVED = (RESERVED_WORDS - _words("APPLY GO OUTPUT THROW USING")) | _words("""
AUTHORIZATION BACKUP BROWSE BULK CASCADE CHECK CHECKPOINT CLUSTERED COALESCE COLLATE COLUMN
COMPUTE CONSTRAINT CONTAINS CONTAINSTABLE CONVERT CURRENT CURRENT_DATE CURRENT_TIME
CURRENT_TIMESTAMP CURRENT_USER DATABASE DBCC DENY DISK DISTRIBUTED DOUBLE DUMP ERRLVL ESCAPE EXIT
EXTERNAL FILE FILLFACTOR FOREIGN FREETEXT FREETEXTTABLE FUNCTION GRANT HOLDLOCK IDENTITY
IDENTITY_INSERT IDENTITYCOL INDEX KEY KILL LINENO LOAD NATIONAL NOCHECK NONCLUSTERED NULLIF OF
OFF OFFSETS OPENDATASOURCE OPENQUERY OPENROWSET OPENXML OVER PERCENT PLAN PRECISION PRIMARY PROC
PROCEDURE PUBLIC READ READTEXT RECONFIGURE REFERENCES REPLICATION RESTORE RESTRICT REVERT REVOKE
ROWCOUNT ROWGUIDCOL RULE SAVE SCHEMA SECURITYAUDIT SESSION_USER SETUSER SHUTDOWN SOME STATISTICS
SYSTEM_USER TABLE TEXTSIZE TO TRAN TRANSACTION TRIGGER TRY_CONVERT TSEQUAL UNIQUE UPDATETEXT USER
VARYING VIEW WRITETEXT
""")
"""SQL Server's reserved keywords: never a name unless bracketed (hover, signature help).

Every word of :data:`RESERVED_WORDS` but the five clause words SQL Server does not reserve
(APPLY, GO, OUTPUT, THROW, USING), and the reserved words the forgiving completion reader
still takes for names (``OPENQUERY(...) q``, ``SELECT CURRENT_TIMESTAMP``)."""

HINT_WORDS = _words("""
NOLOCK READUNCOMMITTED UPDLOCK HOLDLOCK XLOCK READPAST SERIALIZABLE REPEATABLEREAD READCOMMITTED
READCOMMITTEDLOCK SNAPSHOT TABLOCK TABLOCKX PAGLOCK ROWLOCK NOWAIT INDEX FORCESEEK FORCESCAN
NOEXPAND KEEPIDENTITY KEEPDEFAULTS IGNORE_CONSTRAINTS IGNORE_TRIGGERS
""")
"""Table hints: ``WITH (NOLOCK)`` or the legacy ``APTH (NOLOCK)``."""

# -- batches ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=16)
def batches(text: str) -> tuple[Batch, ...]:
    """The batches of ``text``, the same as ``split_batches`` without tokenizing it all."""
    found = []
    position = 0
    for match in go_lines(text):
        found.append(Batch(text[position:match.start()], position))
        position = match.end()
    found.append(Batch(text[position:], position))
    return tuple(b for b in found if b.text.strip())


def batch_at(text: str, offset: int) -> Batch | None:
    """The batch holding ``offset`` (its end included: the cursor after the last character).

    Reads the text only up to the end of that batch. None on a ``GO`` line or in a blank
    stretch between two of them.
    """
    position = 0
    end = len(text)
    for match in go_lines(text):
        if offset <= match.start():
            end = match.start()
            break
        position = match.end()
    if offset < position:
        return None
    batch = Batch(text[position:end], position)
    return batch if batch.text.strip() else None


# -- the cursor's batch, for completion ---------------------------------------------------------

_ANCHOR = re.compile(
    r"(?:^|(?<=\r))[ \t]*(?:SELECT|INSERT|UPDATE|DELETE|MERGE|WITH|DECLARE|IF|WHILE|BEGIN"
    r"|EXEC|EXECUTE|CREATE|ALTER|RETURN|PRINT|SET)\b",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(slots=True)
class Scan:
    batch_start: int
    batch_end: int
    protected: bool
    """The cursor is inside a comment, a string or on a ``GO`` line."""
    anchors: list[int]
    """Offsets of lines of the batch whose first word is a statement keyword (only filled
    when asked for: see :func:`scan`)."""


def scan(text: str, offset: int, anchors_over: int | None = None) -> Scan:
    """The batch around ``offset`` and whether the cursor is where nothing is completed
    (a comment, a string, a ``GO`` line, its start included). A batch longer than
    ``anchors_over`` characters also gets its statement-keyword lines outside comments and
    strings (:attr:`Scan.anchors`)."""
    result = Scan(0, len(text), False, [])
    for match in go_lines(text):
        if match.start() > offset:
            result.batch_end = match.start()
            break
        if match.end() < offset:
            result.batch_start = match.end()
        else:
            result.protected = True
            return result
    start, end = result.batch_start, result.batch_end
    anchors = anchors_over is not None and end - start > anchors_over
    spans: list[tuple[int, int]] = []
    for kind, s, e, closed in text_spans(text, start, end):
        if s >= offset and not anchors:
            break
        if kind == "line":
            if s < offset <= e:
                result.protected = True
                return result
        elif kind != "quoted" and (s < offset < e or (not closed and s < offset)):
            result.protected = True
            return result
        spans.append((s, e))
    if anchors:
        index = 0
        for match in _ANCHOR.finditer(text, start, end):
            p = match.start()
            while index < len(spans) and spans[index][1] <= p:
                index += 1
            if index < len(spans) and spans[index][0] <= p:
                continue  # inside a comment, string or quoted name
            result.anchors.append(p)
    return result
