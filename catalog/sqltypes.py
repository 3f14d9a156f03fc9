"""SQL Server's built-in type names: an importer must tell a UDT (``bCompany``) from a SQL type."""

from __future__ import annotations

from vgpt2.catalog.sql.names import last_part

SQL_TYPES = frozenset({
    "bigint", "binary", "bit", "char", "date", "datetime", "datetime2", "datetimeoffset",
    "decimal", "float", "geography", "geometry", "hierarchyid", "image", "int", "money",
    "nchar", "ntext", "numeric", "nvarchar", "real", "smalldatetime", "smallint",
    "smallmoney", "sql_variant", "sysname", "text", "time", "timestamp", "rowversion",
    "tinyint", "uniqueidentifier", "varbinary", "varchar", "xml",
})


def normalize_type(name: str) -> str:
    """``[varchar]``, ``VARCHAR(30)`` -> ``varchar``; UDT names keep their exact case."""
    bare = last_part(name.strip().split("(", 1)[0])
    lowered = bare.lower()
    return lowered if lowered in SQL_TYPES else bare


def is_sql_type(name: str) -> bool:
    return normalize_type(name).lower() in SQL_TYPES
