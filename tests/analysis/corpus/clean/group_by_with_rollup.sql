-- Old-style GROUP BY ... WITH ROLLUP subtotals of GL accounts by type.
SELECT a.AcctType, a.SubType, COUNT(*) AS Accounts
FROM GLAC a WITH (NOLOCK)
WHERE a.GLCo = 1
GROUP BY a.AcctType, a.SubType WITH ROLLUP;
