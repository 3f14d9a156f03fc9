"""The words completion offers: keywords by clause, snippets and built-in functions.

Data only; :mod:`.completion` decides which list fits the cursor's context.
"""

from __future__ import annotations

__all__ = [
    "AFTER_CONDITION", "AFTER_ORDER", "AFTER_REF", "AFTER_SELECT_ITEM", "BUILTINS", "EXPRESSION",
    "FOLLOWERS", "GENERAL", "JOINS", "SNIPPETS", "START",
]

START = ("SELECT", "WITH", "INSERT INTO", "UPDATE", "DELETE FROM", "MERGE INTO", "DECLARE",
          "SET", "EXEC", "IF", "BEGIN", "END", "ELSE", "WHILE", "RETURN", "PRINT", "BEGIN TRY",
          "BEGIN CATCH", "BEGIN TRANSACTION", "COMMIT TRANSACTION", "ROLLBACK TRANSACTION")
JOINS = ("JOIN", "INNER JOIN", "LEFT JOIN", "LEFT OUTER JOIN", "RIGHT JOIN", "FULL OUTER JOIN",
          "CROSS JOIN", "CROSS APPLY", "OUTER APPLY")
AFTER_REF = ("AS", *JOINS, "WHERE", "GROUP BY", "ORDER BY", "HAVING", "UNION ALL", "UNION",
              "EXCEPT", "INTERSECT", "OPTION (RECOMPILE)")
AFTER_CONDITION = ("AND", "OR", "NOT", "IS NULL", "IS NOT NULL", "IN", "NOT IN", "LIKE",
                    "NOT LIKE", "BETWEEN", "EXISTS", "NOT EXISTS", "GROUP BY", "ORDER BY",
                    "HAVING", *JOINS, "UNION ALL")
AFTER_SELECT_ITEM = ("FROM", "AS", "INTO", "WHERE", "GROUP BY", "ORDER BY", "UNION ALL")
AFTER_ORDER = ("ASC", "DESC", "HAVING", "WITH ROLLUP", "OFFSET", "OPTION (RECOMPILE)",
                "UNION ALL")
EXPRESSION = ("CASE", "WHEN", "THEN", "ELSE", "END", "NULL", "NOT", "AND", "OR", "IS NULL",
               "IS NOT NULL", "IN", "EXISTS", "LIKE", "BETWEEN", "DISTINCT", "TOP", "AS",
               "SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "HAVING", "ASC", "DESC")
FOLLOWERS: dict[str, tuple[str, ...]] = {
    "GROUP": ("BY",), "ORDER": ("BY",), "PARTITION": ("BY",),
    "LEFT": ("JOIN", "OUTER JOIN"), "RIGHT": ("JOIN", "OUTER JOIN"),
    "FULL": ("OUTER JOIN", "JOIN"), "INNER": ("JOIN",), "CROSS": ("APPLY", "JOIN"),
    "OUTER": ("APPLY",), "INSERT": ("INTO",), "DELETE": ("FROM",), "UNION": ("ALL", "SELECT"),
    "HINT": ("NOLOCK", "READUNCOMMITTED", "UPDLOCK", "ROWLOCK", "HOLDLOCK", "READPAST",
             "INDEX()", "FORCESEEK"),
    "OVER": ("PARTITION BY", "ORDER BY"), "SUBQUERY": ("SELECT",),
    "OPTION": ("RECOMPILE", "MAXDOP 1", "OPTIMIZE FOR UNKNOWN"),
}
GENERAL = tuple(dict.fromkeys((*START, "FROM", "WHERE", *JOINS, "ON", "GROUP BY",
                                "ORDER BY", "HAVING", "WITH (NOLOCK)", *EXPRESSION,
                                "UNION ALL", "INTO", "VALUES", "OUTPUT", "TRY_CONVERT")))
SNIPPETS = (
    ("select … from … with (nolock)", "SELECT ${1:*}\nFROM ${2:table} ${3:t} WITH (NOLOCK)\n"
     "WHERE ${4:1 = 1}", "A SELECT with the NOLOCK hint every Vista read carries."),
    ("if exists … begin … end", "IF EXISTS (SELECT 1 FROM ${1:table} WITH (NOLOCK) "
     "WHERE ${2:1 = 1})\nBEGIN\n\t$0\nEND", "IF EXISTS block."),
    ("begin try … end catch", "BEGIN TRY\n\t$0\nEND TRY\nBEGIN CATCH\n\tTHROW;\nEND CATCH",
     "TRY/CATCH block."),
)
BUILTINS = tuple((name, snippet, doc) for name, snippet, doc in (
    ("ISNULL", "ISNULL(${1:expression}, ${2:0})", "Replace NULL with a value."),
    ("COALESCE", "COALESCE(${1:expression}, ${2:0})", "The first non-NULL argument."),
    ("SUM", "SUM(${1:expression})", "Aggregate: total."),
    ("COUNT", "COUNT(${1:*})", "Aggregate: number of rows."),
    ("MIN", "MIN(${1:expression})", "Aggregate: smallest value."),
    ("MAX", "MAX(${1:expression})", "Aggregate: largest value."),
    ("AVG", "AVG(${1:expression})", "Aggregate: average."),
    ("CAST", "CAST(${1:expression} AS ${2:varchar(30)})", "Convert to a type."),
    ("CONVERT", "CONVERT(${1:varchar(10)}, ${2:expression}, ${3:101})", "Convert with a style."),
    ("DATEADD", "DATEADD(${1:month}, ${2:1}, ${3:date})", "Add an interval to a date."),
    ("DATEDIFF", "DATEDIFF(${1:day}, ${2:start}, ${3:end})", "Intervals between two dates."),
    ("DATEFROMPARTS", "DATEFROMPARTS(${1:year}, ${2:month}, ${3:1})",
     "A date; Vista months (Mth) are the first day of the month."),
    ("EOMONTH", "EOMONTH(${1:date})", "Last day of the month."),
    ("GETDATE", "GETDATE()", "Current date and time."),
    ("YEAR", "YEAR(${1:date})", "Year of a date."),
    ("MONTH", "MONTH(${1:date})", "Month of a date."),
    ("DAY", "DAY(${1:date})", "Day of a date."),
    ("LTRIM", "LTRIM(${1:text})", "Trim leading spaces (Vista Job/Phase are padded)."),
    ("RTRIM", "RTRIM(${1:text})", "Trim trailing spaces."),
    ("UPPER", "UPPER(${1:text})", "Upper case."),
    ("LEN", "LEN(${1:text})", "Length without trailing spaces."),
    ("SUBSTRING", "SUBSTRING(${1:text}, ${2:1}, ${3:10})", "Part of a string."),
    ("REPLACE", "REPLACE(${1:text}, ${2:'a'}, ${3:'b'})", "Replace text."),
    ("ROUND", "ROUND(${1:number}, ${2:2})", "Round a number."),
    ("ABS", "ABS(${1:number})", "Absolute value."),
    ("NULLIF", "NULLIF(${1:expression}, ${2:0})", "NULL when both are equal (safe division)."),
    ("IIF", "IIF(${1:condition}, ${2:then}, ${3:else})", "Inline IF."),
    ("ROW_NUMBER", "ROW_NUMBER() OVER (ORDER BY ${1:column})", "Window: row number."),
    ("STRING_AGG", "STRING_AGG(${1:expression}, ${2:', '})", "Aggregate: join strings."),
))
