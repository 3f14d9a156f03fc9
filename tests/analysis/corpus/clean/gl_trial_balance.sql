-- GL trial balance for a fiscal year: balances by account from GLBL.
DECLARE @GLCo bCompany = 1;
DECLARE @BeginMth bMonth = '2024-01-01', @EndMth bMonth = '2024-12-01';

SELECT a.GLCo, a.GLAcct, a.Description, a.AcctType, a.NormBal,
       ISNULL(SUM(b.Debits), 0)      AS Debits,
       ISNULL(SUM(b.Credits), 0)     AS Credits,
       ISNULL(SUM(b.NetActivity), 0) AS NetActivity
FROM GLAC a WITH (NOLOCK)
LEFT OUTER JOIN GLBL b WITH (NOLOCK)
    ON b.GLCo = a.GLCo AND b.GLAcct = a.GLAcct
   AND b.Mth >= @BeginMth AND b.Mth <= @EndMth
WHERE a.GLCo = @GLCo
  AND a.Active = 'Y'
GROUP BY a.GLCo, a.GLAcct, a.Description, a.AcctType, a.NormBal
ORDER BY a.GLAcct;
