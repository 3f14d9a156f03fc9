"""The read-only T-SQL a shop runs against its own Vista database to export its schema.

vgpt2 never connects to a customer database: the user runs these queries
(SQL Server 2017 or later, for STRING_AGG) and saves each single JSON value
as the file named in :data:`EXPORT_QUERIES`; ``vgpt2 catalog build`` reads the
folder. Every query reads only catalog views (``sys.*``), never business data.
"""

from __future__ import annotations

_OBJECT_TYPE = (
    "CASE o.type WHEN 'U' THEN 'Table' WHEN 'V' THEN 'View' WHEN 'P' THEN 'Procedure' "
    "ELSE 'Function' END"
)

_NAMES_ARRAY = "JSON_QUERY('[' + ISNULL(({inner}), '') + ']')"

EXPORT_QUERIES: dict[str, str] = {
    "objects.json": (
        "SELECT (SELECT s.name AS SchemaName, o.name AS ObjectName, "
        f"{_OBJECT_TYPE} AS ObjectType, "
        "CAST(ep.value AS nvarchar(4000)) AS Description, "
        "(SELECT COUNT(*) FROM sys.columns c WHERE c.object_id = o.object_id) AS ColumnCount, "
        + _NAMES_ARRAY.format(inner=(
            "SELECT STRING_AGG(CHAR(34) + STRING_ESCAPE(d.referenced_entity_name, 'json') "
            "+ CHAR(34), ',') "
            "FROM (SELECT DISTINCT referenced_entity_name FROM sys.sql_expression_dependencies "
            "WHERE referencing_id = o.object_id AND referenced_database_name IS NULL) d"))
        + " AS BaseObjects, "
        "JSON_QUERY((SELECT p.name AS Name, TYPE_NAME(p.user_type_id) AS DataType "
        "FROM sys.parameters p WHERE p.object_id = o.object_id AND p.parameter_id > 0 "
        "ORDER BY p.parameter_id FOR JSON PATH)) AS Parameters "
        "FROM sys.objects o JOIN sys.schemas s ON s.schema_id = o.schema_id "
        "LEFT JOIN sys.extended_properties ep ON ep.class = 1 AND ep.major_id = o.object_id "
        "AND ep.minor_id = 0 AND ep.name = 'MS_Description' "
        "WHERE o.type IN ('U', 'V', 'P', 'FN', 'IF', 'TF') AND o.is_ms_shipped = 0 "
        "ORDER BY o.name FOR JSON PATH, INCLUDE_NULL_VALUES) AS ExportJson"
    ),
    "columns.json": (
        "SELECT (SELECT s.name AS SchemaName, o.name AS ObjectName, "
        "CASE o.type WHEN 'U' THEN 'Table' ELSE 'View' END AS ObjectType, "
        "c.column_id AS Ordinal, c.name AS ColumnName, TYPE_NAME(c.user_type_id) AS DataType, "
        "bt.name AS BaseType, "
        "CASE WHEN bt.name IN ('varchar', 'char', 'varbinary', 'binary') THEN c.max_length "
        "WHEN bt.name IN ('nvarchar', 'nchar') THEN "
        "CASE c.max_length WHEN -1 THEN -1 ELSE c.max_length / 2 END END AS MaxLength, "
        "CASE WHEN bt.name IN ('decimal', 'numeric') THEN c.precision END AS Precision, "
        "CASE WHEN bt.name IN ('decimal', 'numeric') THEN c.scale END AS Scale, "
        "c.is_nullable AS IsNullable, c.is_identity AS IsIdentity, "
        "c.is_computed AS IsComputed "
        "FROM sys.columns c JOIN sys.objects o ON o.object_id = c.object_id "
        "JOIN sys.schemas s ON s.schema_id = o.schema_id "
        "JOIN sys.types bt ON bt.user_type_id = c.system_type_id "
        "WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0 "
        "ORDER BY o.name, c.column_id FOR JSON PATH, INCLUDE_NULL_VALUES) AS ExportJson"
    ),
    "indexes.json": (
        "SELECT (SELECT o.name AS ObjectName, i.name AS IndexName, i.is_unique AS IsUnique, "
        "CAST(CASE WHEN i.type = 1 THEN 1 ELSE 0 END AS bit) AS IsClustered, "
        "i.is_primary_key AS IsPrimaryKey, "
        + _NAMES_ARRAY.format(inner=(
            "SELECT STRING_AGG(CHAR(34) + STRING_ESCAPE(c.name, 'json') + CHAR(34), ',') "
            "WITHIN GROUP (ORDER BY ic.key_ordinal) FROM sys.index_columns ic "
            "JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id "
            "WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id "
            "AND ic.is_included_column = 0"))
        + " AS Columns "
        "FROM sys.indexes i JOIN sys.objects o ON o.object_id = i.object_id "
        "WHERE o.type = 'U' AND o.is_ms_shipped = 0 AND i.is_unique = 1 "
        "ORDER BY o.name, i.name FOR JSON PATH, INCLUDE_NULL_VALUES) AS ExportJson"
    ),
    "foreign_keys.json": (
        "SELECT (SELECT fk.name AS ConstraintName, OBJECT_NAME(fk.parent_object_id) AS FromObject, "
        + _NAMES_ARRAY.format(inner=(
            "SELECT STRING_AGG(CHAR(34) + STRING_ESCAPE(COL_NAME(k.parent_object_id, "
            "k.parent_column_id), 'json') + CHAR(34), ',') "
            "WITHIN GROUP (ORDER BY k.constraint_column_id) "
            "FROM sys.foreign_key_columns k WHERE k.constraint_object_id = fk.object_id"))
        + " AS FromColumns, OBJECT_NAME(fk.referenced_object_id) AS ToObject, "
        + _NAMES_ARRAY.format(inner=(
            "SELECT STRING_AGG(CHAR(34) + STRING_ESCAPE(COL_NAME(k.referenced_object_id, "
            "k.referenced_column_id), 'json') + CHAR(34), ',') "
            "WITHIN GROUP (ORDER BY k.constraint_column_id) "
            "FROM sys.foreign_key_columns k WHERE k.constraint_object_id = fk.object_id"))
        + " AS ToColumns FROM sys.foreign_keys fk "
        "ORDER BY fk.name FOR JSON PATH, INCLUDE_NULL_VALUES) AS ExportJson"
    ),
    "types.json": (
        "SELECT (SELECT t.name AS Name, bt.name AS BaseType, "
        "CASE WHEN bt.name IN ('varchar', 'char', 'varbinary', 'binary') THEN t.max_length "
        "WHEN bt.name IN ('nvarchar', 'nchar') THEN "
        "CASE t.max_length WHEN -1 THEN -1 ELSE t.max_length / 2 END END AS MaxLength, "
        "CASE WHEN bt.name IN ('decimal', 'numeric') THEN t.precision END AS Precision, "
        "CASE WHEN bt.name IN ('decimal', 'numeric') THEN t.scale END AS Scale, "
        "t.is_nullable AS IsNullable "
        "FROM sys.types t JOIN sys.types bt ON bt.user_type_id = t.system_type_id "
        "WHERE t.is_user_defined = 1 "
        "ORDER BY t.name FOR JSON PATH, INCLUDE_NULL_VALUES) AS ExportJson"
    ),
}


def export_script() -> str:
    """All five queries, each headed by the file its result goes into."""
    parts = [
        "-- vgpt2 schema export: read-only queries over SQL Server's catalog views (sys.*).",
        "-- Run each query against your Vista database (SQL Server 2017 or later) and save",
        "-- its single JSON value as the file named above it, all in one folder; then run",
        "--   vgpt2 catalog build <that folder> --output vista.vgpt2db",
        "-- Tip: bcp writes the value untruncated; see `vgpt2 catalog export-query --bcp`.",
        "",
    ]
    for file_name, query in EXPORT_QUERIES.items():
        parts += [f"-- {file_name}", query + ";", "GO", ""]
    return "\n".join(parts)


def bcp_commands(server: str, database: str) -> str:
    """One ``bcp ... queryout`` line per file, with Windows authentication (-T), UTF-8 output.

    bcp takes the query on one line and writes the JSON without SSMS's
    2,033-character cell limit.
    """
    lines = []
    for file_name, query in EXPORT_QUERIES.items():
        lines.append(f'bcp "{query}" queryout {file_name} -c -C 65001 -T '
                     f"-S {server} -d {database}")
    return "\n".join(lines)
