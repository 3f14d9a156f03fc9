-- TOP ... WITH TIES: the biggest AP jobs, ties included.
SELECT TOP (20) WITH TIES
       l.JCCo, l.Job, SUM(l.GrossAmt) AS Gross
FROM APTL l WITH (NOLOCK)
WHERE l.APCo = 1 AND l.LineType = 1
GROUP BY l.JCCo, l.Job
ORDER BY Gross DESC;
