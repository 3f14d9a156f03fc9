-- Recursive CTE: a month calendar, then cost per month (months with no cost show 0).
DECLARE @Start bMonth = '2024-01-01', @End bMonth = '2024-12-01';

WITH Months (Mth) AS (
    SELECT @Start
    UNION ALL
    SELECT DATEADD(MONTH, 1, m.Mth) FROM Months m WHERE m.Mth < @End
)
SELECT m.Mth,
       ISNULL(SUM(cp.ActualCost), 0) AS ActualCost
FROM Months m
LEFT JOIN JCCP cp WITH (NOLOCK)
       ON cp.Mth = m.Mth AND cp.JCCo = 1 AND cp.Job = '1001-'
GROUP BY m.Mth
ORDER BY m.Mth
OPTION (MAXRECURSION 120);
