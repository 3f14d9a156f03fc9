"""Import a folder of T-SQL scripts: SQL Source Control, SSMS "Generate Scripts", or one big file.

Tables, user types, indexes and constraints are read by a small tolerant reader
of our own (sqlglot gives up on many real ``CREATE TABLE`` statements); only
view bodies go to sqlglot, to find what they read and which columns they
return. Procedure and function bodies are never tokenized past their header,
which keeps a folder of thousands of files to a few seconds.

Every problem becomes an issue on the result naming the file and line; nothing
in the scripts makes :func:`import_ddl` raise.

The package, by job: :mod:`.decoding` (file encodings, binary files, which files),
:mod:`.stream` (tokens, names and lines on the shared SQL text layer
:mod:`vgpt2.catalog.sql`), :mod:`.types`, :mod:`.tables` (tables, keys, indexes,
user types), :mod:`.routines` (views, procedures, functions, triggers),
:mod:`.views` (view column resolution), :mod:`.descriptions` (extended properties
and header comments), :mod:`.reads` (join frequency) and :mod:`.reader`, which
drives them and builds the records.
"""

from vgpt2.catalog.importers.ddl.decoding import decode_sql_bytes, looks_binary
from vgpt2.catalog.importers.ddl.reader import import_ddl
from vgpt2.catalog.sql.batches import iter_batch_ranges as split_batches

__all__ = ["decode_sql_bytes", "import_ddl", "looks_binary", "split_batches"]
