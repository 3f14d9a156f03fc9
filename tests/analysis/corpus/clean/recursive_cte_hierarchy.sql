-- Recursive CTE over a GL summary-account hierarchy.
WITH AcctTree AS (
    SELECT a.GLCo, a.GLAcct, a.SummaryAcct, a.Description, 0 AS Depth
    FROM GLAC a WITH (NOLOCK)
    WHERE a.GLCo = 1 AND (a.SummaryAcct IS NULL OR a.SummaryAcct = a.GLAcct)
    UNION ALL
    SELECT c.GLCo, c.GLAcct, c.SummaryAcct, c.Description, t.Depth + 1
    FROM GLAC c WITH (NOLOCK)
    INNER JOIN AcctTree t ON t.GLCo = c.GLCo AND t.GLAcct = c.SummaryAcct
    WHERE c.GLAcct <> c.SummaryAcct
)
SELECT GLCo, GLAcct, SummaryAcct, REPLICATE('  ', Depth) + Description AS Indented, Depth
FROM AcctTree
ORDER BY GLAcct;
