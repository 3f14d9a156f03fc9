-- GL detail with fiscal period, journal and source; window running total per account.
SELECT d.GLCo, d.GLAcct, ac.Description AS AcctDesc,
       fp.FiscalYr, fp.FiscalPd, d.Mth, d.GLTrans, d.Jrnl, d.GLRef, d.Source,
       d.ActDate, d.Description, d.Amount,
       SUM(d.Amount) OVER (PARTITION BY d.GLCo, d.GLAcct ORDER BY d.Mth, d.GLTrans
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS RunningBalance,
       ROW_NUMBER() OVER (PARTITION BY d.GLCo, d.GLAcct ORDER BY d.Amount DESC) AS SizeRank
FROM GLDT d WITH (NOLOCK)
JOIN GLAC ac WITH (NOLOCK) ON ac.GLCo = d.GLCo AND ac.GLAcct = d.GLAcct
JOIN GLFP fp WITH (NOLOCK) ON fp.GLCo = d.GLCo AND fp.Mth = d.Mth
WHERE d.GLCo = 1
  AND d.Mth >= '2024-01-01'
  AND d.Mth < DATEADD(MONTH, 12, '2024-01-01')
  AND d.Jrnl IN ('AP', 'AR', 'PR', 'JC')
ORDER BY d.GLAcct, d.Mth, d.GLTrans;
