-- Open AP invoices with their latest payment, using OUTER APPLY and CROSS APPLY.
SELECT h.APCo, h.Mth, h.APTrans, h.APRef, h.InvDate, h.DueDate, h.InvTotal,
       lastpay.PaidDate, lastpay.CMRef,
       lines.LineCount, lines.Gross
FROM APTH h WITH (NOLOCK)
CROSS APPLY (
    SELECT COUNT(*) AS LineCount, SUM(l.GrossAmt) AS Gross
    FROM APTL l WITH (NOLOCK)
    WHERE l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans
) lines
OUTER APPLY (
    SELECT TOP (1) d.PaidDate, d.CMRef
    FROM APTD d WITH (NOLOCK)
    WHERE d.APCo = h.APCo AND d.Mth = h.Mth AND d.APTrans = h.APTrans
      AND d.PaidDate IS NOT NULL
    ORDER BY d.PaidDate DESC
) AS lastpay
WHERE h.APCo = 1
  AND h.Mth BETWEEN '2024-01-01' AND '2024-12-01'
  AND h.InvDate >= '2024-01-15'
ORDER BY h.InvDate;
