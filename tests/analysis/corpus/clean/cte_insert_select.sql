-- CTE feeding an INSERT ... SELECT into a temp table.
CREATE TABLE #Open (APCo tinyint, Mth smalldatetime, APTrans int, Amount numeric(12, 2));

WITH OpenDetail AS (
    SELECT d.APCo, d.Mth, d.APTrans, SUM(d.Amount) AS Amount
    FROM APTD d WITH (NOLOCK)
    WHERE d.APCo = 1 AND d.Status < 3
    GROUP BY d.APCo, d.Mth, d.APTrans
)
INSERT INTO #Open (APCo, Mth, APTrans, Amount)
SELECT od.APCo, od.Mth, od.APTrans, od.Amount
FROM OpenDetail od;

SELECT o.APCo, o.Mth, o.APTrans, o.Amount FROM #Open o ORDER BY o.Amount DESC;
