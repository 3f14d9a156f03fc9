-- AP aging by vendor, open amounts bucketed by days past due.
DECLARE @APCo bCompany = 1;
DECLARE @AgeDate bDate = GETDATE();

SELECT v.VendorGroup,
       v.Vendor,
       v.Name,
       SUM(CASE WHEN DATEDIFF(DAY, d.DueDate, @AgeDate) <= 0 THEN d.Amount ELSE 0 END) AS [Current],
       SUM(CASE WHEN DATEDIFF(DAY, d.DueDate, @AgeDate) BETWEEN 1 AND 30 THEN d.Amount ELSE 0 END) AS Days1to30,
       SUM(CASE WHEN DATEDIFF(DAY, d.DueDate, @AgeDate) BETWEEN 31 AND 60 THEN d.Amount ELSE 0 END) AS Days31to60,
       SUM(CASE WHEN DATEDIFF(DAY, d.DueDate, @AgeDate) BETWEEN 61 AND 90 THEN d.Amount ELSE 0 END) AS Days61to90,
       SUM(CASE WHEN DATEDIFF(DAY, d.DueDate, @AgeDate) > 90 THEN d.Amount ELSE 0 END) AS Over90,
       SUM(d.Amount) AS TotalOpen
FROM APTH h WITH (NOLOCK)
JOIN APTL l WITH (NOLOCK)
  ON l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans
JOIN APTD d WITH (NOLOCK)
  ON d.APCo = l.APCo AND d.Mth = l.Mth AND d.APTrans = l.APTrans AND d.APLine = l.APLine
JOIN APVM v WITH (NOLOCK)
  ON v.VendorGroup = h.VendorGroup AND v.Vendor = h.Vendor
WHERE h.APCo = @APCo
  AND d.Status < 3
  AND h.OpenYN = 'Y'
GROUP BY v.VendorGroup, v.Vendor, v.Name
HAVING SUM(d.Amount) <> 0
ORDER BY v.Name;
