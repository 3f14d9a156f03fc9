-- Built-in functions, string handling, conversions, date math, IIF, NULLIF.
SELECT h.APCo,
       h.Mth,
       DATENAME(MONTH, h.Mth) + ' ' + CAST(YEAR(h.Mth) AS varchar(4)) AS MonthLabel,
       LTRIM(RTRIM(h.APRef)) AS APRef,
       UPPER(LEFT(h.Description, 30)) AS ShortDesc,
       CONVERT(varchar(10), h.InvDate, 101) AS InvDateText,
       FORMAT(h.InvTotal, 'C', 'en-US') AS InvTotalText,
       ISNULL(h.PayControl, '') AS PayControl,
       COALESCE(h.HoldCode, 'NONE') AS HoldCode,
       NULLIF(h.InvTotal, 0) AS NonZeroTotal,
       IIF(h.OpenYN = 'Y', 'Open', 'Closed') AS OpenText,
       TRY_CAST(h.APRef AS int) AS NumericRef,
       DATEDIFF(DAY, h.InvDate, ISNULL(h.DueDate, GETDATE())) AS Terms,
       EOMONTH(h.Mth) AS MonthEnd,
       DATEFROMPARTS(YEAR(h.InvDate), MONTH(h.InvDate), 1) AS InvMonth,
       CHARINDEX('-', h.APRef) AS DashAt,
       REPLACE(h.Description, CHAR(13), ' ') AS OneLine,
       ABS(h.InvTotal) AS AbsTotal,
       ROUND(h.InvTotal * 0.1, 2) AS TenPct,
       STUFF(h.APRef, 1, 0, 'X') AS Prefixed,
       @@ROWCOUNT AS PriorRows,
       SYSTEM_USER AS RunBy,
       CURRENT_TIMESTAMP AS RunAt
FROM APTH AS h WITH (NOLOCK)
WHERE h.APCo = 1
  AND h.Mth = DATEADD(MONTH, DATEDIFF(MONTH, 0, GETDATE()), 0)
  AND h.Mth >= CAST('2024-01-01' AS smalldatetime);
