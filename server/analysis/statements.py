"""Cut a batch into statements the parser can take.

sqlglot parses one statement at a time and needs semicolons between them;
real T-SQL has none, and wraps its queries in procedures, IF/WHILE blocks,
BEGIN/END, TRY/CATCH and cursors. This module walks the tokens, skips the
control flow, and hands each query-bearing statement to the parser with its
offset, so every finding maps back to the exact place in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from vgpt2.catalog.sql.batches import GO_LINE, Batch, batch_ranges, split_batches
from vgpt2.catalog.sql.names import read_name
from vgpt2.catalog.sql.tokens import Kind, Token, tokenize

__all__ = ["GO_LINE", "Batch", "Statement", "StatementKind", "batch_ranges", "matching_paren",
           "split_batches", "split_statements"]
"""``GO`` batches come from the SQL text layer (:mod:`vgpt2.catalog.sql.batches`); they are
re-exported here for the editor features that read batches and statements together."""


class StatementKind(Enum):
    QUERY = "query"
    """SELECT / INSERT / UPDATE / DELETE / MERGE / WITH ... : parse and check."""
    CONDITION = "condition"
    """The condition of IF / WHILE, checked as ``SELECT 1 WHERE <condition>``."""
    DECLARE = "declare"
    """DECLARE / SET: may hold table variables or scalar subqueries."""
    CREATE_TABLE = "create_table"
    """CREATE TABLE: declares a temp table's columns (or a real table: not checked)."""
    EXEC = "exec"
    UNMATCHED = "unmatched"
    """A ``)`` with no ``(``: SQL Server rejects it, so it is a syntax error."""


@dataclass(slots=True)
class Statement:
    kind: StatementKind
    start: int
    end: int
    """Offsets into the batch text."""
    tokens: list[Token] = field(default_factory=list)
    prefix: str = ""
    """Text put before the statement for the parser (for conditions)."""
    suffix: str = ""
    """Text put after it (``INSERT INTO #t`` of ``INSERT ... EXEC`` gets DEFAULT VALUES)."""

    def source(self, batch_text: str) -> str:
        return self.prefix + batch_text[self.start:self.end] + self.suffix


_QUERY_STARTS = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH"}
_STATEMENT_STARTS = _QUERY_STARTS | {
    "DECLARE", "SET", "IF", "ELSE", "WHILE", "BEGIN", "END", "RETURN", "EXEC", "EXECUTE",
    "PRINT", "RAISERROR", "THROW", "OPEN", "FETCH", "CLOSE", "DEALLOCATE", "GOTO", "COMMIT",
    "ROLLBACK", "SAVE", "USE", "CREATE", "ALTER", "DROP", "TRUNCATE", "BREAK", "CONTINUE",
    "WAITFOR", "GRANT", "REVOKE", "DENY", "BULK", "DBCC", "CHECKPOINT", "SETUSER", "REVERT",
    "ENABLE", "DISABLE", "UPDATE STATISTICS",
}
_SKIPPED = {
    "PRINT", "RAISERROR", "THROW", "OPEN", "FETCH", "CLOSE", "DEALLOCATE", "GOTO", "COMMIT",
    "ROLLBACK", "SAVE", "USE", "DROP", "TRUNCATE", "BREAK", "CONTINUE", "WAITFOR", "GRANT",
    "REVOKE", "DENY", "BULK", "DBCC", "CHECKPOINT", "SETUSER", "REVERT", "ENABLE", "DISABLE",
}
_ROUTINE_KINDS = {"PROC", "PROCEDURE", "FUNCTION", "TRIGGER", "VIEW"}


def split_statements(batch_text: str, tokens: list[Token] | None = None) -> list[Statement]:
    """The statements of one batch, in order. Never raises: unknown shapes are skipped."""
    tokens = tokens if tokens is not None else tokenize(batch_text)
    statements: list[Statement] = []
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        word = token.upper
        if token.kind is Kind.PUNCT and token.text == ";":
            i += 1
            continue
        if word in ("CREATE", "ALTER"):
            i = _enter_definition(tokens, i, statements)
            continue
        if word in ("BEGIN", "END"):
            i += 1
            if i < n and tokens[i].upper in ("TRY", "CATCH", "TRAN", "TRANSACTION",
                                              "DISTRIBUTED"):
                i += 1
            continue
        if word == "ELSE":
            i += 1
            continue
        if word in ("IF", "WHILE"):
            end = _condition_end(tokens, i + 1)
            if end > i + 1:
                statements.append(Statement(
                    StatementKind.CONDITION, tokens[i + 1].start, tokens[end - 1].end,
                    tokens[i + 1:end], prefix="SELECT 1 WHERE "))
            i = end
            continue
        if word == "RETURN":
            i += 1
            continue
        if word == "FOR" and i + 1 < n and tokens[i + 1].upper in ("READ", "UPDATE"):
            # the tail of a cursor declaration: FOR READ ONLY, FOR UPDATE [OF a, b]
            i += 3 if tokens[i + 1].upper == "READ" else 2
            if i < n and tokens[i - 1].upper == "UPDATE" and tokens[i].upper == "OF":
                i += 1
                while (column := read_name(tokens, i)) is not None:  # OF a, t.b
                    i = column.stop
                    if i >= n or tokens[i].text != ",":
                        break
                    i += 1
            continue
        if word in ("GRANT", "REVOKE", "DENY"):
            i = _permission_end(tokens, i)
            continue
        if word in _SKIPPED and _keyword_here(tokens, i):
            i = _statement_end(tokens, i, word)
            continue
        if word == "DECLARE" and _is_cursor_declaration(tokens, i):
            # DECLARE c CURSOR ... FOR <select>: the SELECT is the statement to check.
            j = i + 1
            while j < n and tokens[j].upper != "FOR":
                j += 1
            i = j + 1
            continue
        if word in ("EXEC", "EXECUTE") and i + 1 < n and tokens[i + 1].text == "(":
            i = _statement_end(tokens, i, word)  # EXEC (@sql): dynamic SQL, nothing to check
            continue
        if word == "SET" and i + 1 < n and not tokens[i + 1].text.startswith("@"):
            i = _statement_end(tokens, i, word)  # SET NOCOUNT ON, SET TRANSACTION ISOLATION ...
            continue
        if token.text == ")":
            statements.append(Statement(StatementKind.UNMATCHED, token.start, token.end,
                                        [token]))
            i += 1
            continue
        if word in _QUERY_STARTS or word in ("DECLARE", "SET", "EXEC", "EXECUTE"):
            end = _statement_end(tokens, i, word)
            bodiless = not any(t.upper in ("SELECT", "VALUES", "DEFAULT") for t in tokens[i:end])
            if word == "INSERT" and end < n and tokens[end].upper in ("EXEC", "EXECUTE") and (
                bodiless
            ):
                # INSERT INTO #t EXEC proc: check the target here, the EXEC on its own.
                statements.append(Statement(StatementKind.QUERY, token.start,
                                            tokens[end - 1].end, tokens[i:end],
                                            suffix=" DEFAULT VALUES"))
                i = end
                continue
            kind = {"DECLARE": StatementKind.DECLARE, "SET": StatementKind.DECLARE,
                    "EXEC": StatementKind.EXEC, "EXECUTE": StatementKind.EXEC}.get(
                        word, StatementKind.QUERY)
            statements.append(Statement(kind, token.start, tokens[end - 1].end, tokens[i:end]))
            i = end
            continue
        if token.kind is Kind.PUNCT and token.text == "(" and _starts_query(tokens, i + 1):
            # "RETURN (SELECT ...)" of an inline function, or a stray parenthesised query.
            close = matching_paren(tokens, i)
            statements.append(Statement(StatementKind.QUERY, tokens[i + 1].start,
                                        tokens[close - 1].end, tokens[i + 1:close]))
            i = close + 1
            continue
        if token.kind is Kind.WORD and i + 1 < n and tokens[i + 1].text == ":":
            i += 2  # a GOTO label
            continue
        if token.text == "(":
            i = matching_paren(tokens, i) + 1  # RETURN (@x): an expression, nothing to check
            continue
        # Anything else (a half-typed word, an unsupported statement): skip to the next start.
        i = _statement_end(tokens, i, word)
    return statements


def _enter_definition(tokens: list[Token], i: int, statements: list[Statement]) -> int:
    """Step over ``CREATE PROCEDURE name (params) AS`` into the body; return the next index.

    CREATE TABLE becomes a statement (a temp table declares columns); other
    CREATE/ALTER statements (INDEX, TYPE, ...) are skipped.
    """
    n = len(tokens)
    j = i + 1
    if j < n and tokens[j].upper == "OR":
        j += 2  # OR ALTER
    kind = tokens[j].upper if j < n else ""
    if kind == "TABLE" and (tokens[i].upper == "CREATE" or (
        j + 1 < n and tokens[j + 1].text.startswith("#")
    )):
        end = _statement_end(tokens, i, "CREATE")
        statements.append(Statement(StatementKind.CREATE_TABLE, tokens[i].start,
                                    tokens[end - 1].end, tokens[i:end]))
        return end
    if kind not in _ROUTINE_KINDS:
        return _statement_end(tokens, i, "CREATE")
    depth = 0
    j += 1
    while j < n:
        token = tokens[j]
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0 and token.upper == "AS" and not _is_type_as(tokens, j):
            return j + 1
        j += 1
    return n


def _is_function_call(tokens: list[Token], j: int) -> bool:
    """``UPDATE(col)`` in a trigger's IF is a function, not an UPDATE statement."""
    return tokens[j].upper == "UPDATE" and j + 1 < len(tokens) and tokens[j + 1].text == "("


def _permission_end(tokens: list[Token], i: int) -> int:
    """GRANT SELECT, INSERT ON x TO [public]: its permission words are not statements."""
    j = i + 1
    while j < len(tokens) and tokens[j].upper not in ("TO", "FROM") and tokens[j].text != ";":
        j += 1
    j += 2  # TO <principal>
    if j + 2 < len(tokens) and [t.upper for t in tokens[j:j + 3]] == ["WITH", "GRANT", "OPTION"]:
        j += 3
    if j < len(tokens) and tokens[j].upper == "CASCADE":
        j += 1
    if j < len(tokens) and tokens[j].upper == "AS":
        j += 2
    return min(j, len(tokens))


def _is_type_as(tokens: list[Token], j: int) -> bool:
    """``RETURNS @t TABLE (...)`` never has AS inside; ``EXECUTE AS OWNER`` does."""
    return j > 0 and tokens[j - 1].upper in ("EXECUTE", "EXEC")


def _is_cursor_declaration(tokens: list[Token], i: int) -> bool:
    for token in tokens[i + 1:i + 12]:
        if token.upper == "CURSOR":
            return True
        if token.upper in ("TABLE", "=") or token.text == ",":
            return False
    return False


def _starts_query(tokens: list[Token], i: int) -> bool:
    return i < len(tokens) and tokens[i].upper in ("SELECT", "WITH")


def matching_paren(tokens: list[Token], i: int) -> int:
    """Index of the ``)`` closing the ``(`` at ``i``; ``len(tokens)`` when it never closes."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].text == "(":
            depth += 1
        elif tokens[j].text == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(tokens)


def _condition_end(tokens: list[Token], i: int) -> int:
    """The condition of IF/WHILE runs until a statement keyword at depth 0."""
    depth = 0
    case = 0
    j = i
    while j < len(tokens):
        token = tokens[j]
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth <= 0:
            word = token.upper
            if word == "CASE":
                case += 1
            elif word == "END" and case:
                case -= 1
            elif case or _is_function_call(tokens, j):
                pass  # WHEN/THEN/ELSE of a CASE expression, or IF UPDATE(col) in a trigger
            elif (word in _STATEMENT_STARTS and _keyword_here(tokens, j)) or token.text == ";":
                return j
        j += 1
    return j


def _statement_end(tokens: list[Token], i: int, first: str) -> int:
    """Index one past the statement that starts at ``i``."""
    n = len(tokens)
    depth = 0
    case = 0
    seen_body = first != "WITH" and first != "INSERT"
    awaiting_select = first == "INSERT"
    """An INSERT whose SELECT / EXEC / VALUES has not been read yet."""
    in_update = first == "UPDATE"
    """An UPDATE whose SET has not been read yet: the next SET is its own."""
    j = i + 1
    previous = tokens[i]
    while j < n:
        token = tokens[j]
        word = token.upper
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
            if depth < 0:
                return j  # the closing parenthesis of an enclosing construct
        elif depth == 0:
            if token.text == ";":
                return j
            if word == "CASE":
                case += 1
            elif word == "END" and case:
                case -= 1
            elif case or _is_function_call(tokens, j):
                pass  # WHEN/THEN/ELSE of a CASE expression, or IF UPDATE(col) in a trigger
            elif word in _STATEMENT_STARTS and _keyword_here(tokens, j) and not _continues(
                first, word, previous, tokens, j, seen_body, in_update, awaiting_select
            ):
                return j
            elif word == "FOR" and j + 1 < n and tokens[j + 1].upper in ("READ", "UPDATE"):
                return j  # a cursor's FOR READ ONLY / FOR UPDATE OF ...
            elif token.kind is Kind.WORD and j + 1 < n and tokens[j + 1].text == ":" and (
                j + 2 >= n or tokens[j + 2].text != ":"
            ):
                return j  # a GOTO label ends the statement before it
            if word == "SET":
                in_update = False
            if word == "INSERT":
                awaiting_select = True
            elif word in ("SELECT", "VALUES", "EXEC", "EXECUTE", "DEFAULT"):
                awaiting_select = False
            if word in ("SELECT", "VALUES", "EXEC", "EXECUTE", "DEFAULT") or (
                first == "WITH" and word in ("INSERT", "UPDATE", "DELETE", "MERGE")
            ):
                seen_body = True
                if first == "WITH" and word == "UPDATE":
                    in_update = True
        previous = token
        j += 1
    return n


def _keyword_here(tokens: list[Token], j: int) -> bool:
    """Whether the statement word at ``j`` is one here, not a name spelt like one: a part of
    a dotted name (``h.Enable``), or ENABLE / DISABLE without TRIGGER (HQDX.Enable is a
    column)."""
    if j > 0 and tokens[j - 1].text == ".":
        return False
    if tokens[j].upper in ("ENABLE", "DISABLE"):
        return j + 1 < len(tokens) and tokens[j + 1].upper == "TRIGGER"
    return True


def _continues(first: str, word: str, previous: Token, tokens: list[Token], j: int,
               seen_body: bool, in_update: bool, awaiting_select: bool) -> bool:
    """Whether a statement keyword at depth 0 belongs to the statement being read."""
    before = previous.upper
    if word == "SELECT" and before in ("UNION", "ALL", "EXCEPT", "INTERSECT", "DISTINCT"):
        return True
    if word == "WITH":
        # Inside a statement WITH is a hint or option: a CTE must follow a semicolon.
        return True
    if word in ("SELECT", "EXEC", "EXECUTE") and awaiting_select:
        return word == "SELECT" or first != "INSERT"  # INSERT ... SELECT; WITH ... INSERT SELECT
    if word == "SELECT" and not seen_body and first == "WITH":
        return True
    if first == "WITH" and not seen_body and word in ("INSERT", "UPDATE", "DELETE", "MERGE"):
        return True
    if word == "SET" and in_update:
        return True
    if first == "MERGE" and word in ("UPDATE", "INSERT", "DELETE") and before == "THEN":
        return True
    if first == "MERGE" and word == "SET" and before == "UPDATE":
        return True
    if word == "DELETE" and before == "THEN":
        return True
    return first == "SET" and word == "SELECT" and before == "("
