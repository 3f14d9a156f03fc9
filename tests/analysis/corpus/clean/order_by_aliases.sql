-- ORDER BY select aliases and ordinal positions; GROUP BY ROLLUP (...).
SELECT TOP (20)
       l.JCCo, l.Job, SUM(l.GrossAmt) AS Gross, COUNT(DISTINCT l.APTrans) AS Invoices
FROM APTL l WITH (NOLOCK)
WHERE l.APCo = 1 AND l.LineType = 1
GROUP BY l.JCCo, l.Job
ORDER BY Gross DESC, Invoices, 2;

SELECT a.AcctType, a.SubType, COUNT(*) AS Accounts
FROM GLAC a WITH (NOLOCK)
WHERE a.GLCo = 1
GROUP BY ROLLUP (a.AcctType, a.SubType)
ORDER BY Accounts DESC;

SELECT e.PRGroup AS PayGroup, COUNT(*) AS Headcount
FROM PREH e WITH (NOLOCK)
WHERE e.ActiveYN = 'Y'
GROUP BY e.PRGroup
ORDER BY PayGroup;
