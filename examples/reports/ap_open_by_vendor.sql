-- Open AP by vendor with aging buckets (APTD holds what is still due).
DECLARE @APCo bCompany = 1, @AsOf bDate = '2024-06-30';

WITH OpenDetail AS (
    SELECT h.VendorGroup, h.Vendor, h.APRef, h.InvDate, d.DueDate, d.Amount
    FROM APTH h WITH (NOLOCK)
    JOIN APTD d WITH (NOLOCK)
      ON d.APCo = h.APCo AND d.Mth = h.Mth AND d.APTrans = h.APTrans
    WHERE h.APCo = @APCo AND d.Status < 3
)
SELECT v.Vendor, v.Name,
       SUM(CASE WHEN DATEDIFF(day, o.DueDate, @AsOf) <= 30 THEN o.Amount ELSE 0 END) AS Current30,
       SUM(CASE WHEN DATEDIFF(day, o.DueDate, @AsOf) BETWEEN 31 AND 60 THEN o.Amount ELSE 0 END)
           AS Days31To60,
       SUM(CASE WHEN DATEDIFF(day, o.DueDate, @AsOf) > 60 THEN o.Amount ELSE 0 END) AS Over60,
       SUM(o.Amount) AS TotalOpen
FROM OpenDetail o
JOIN APVM v WITH (NOLOCK) ON v.VendorGroup = o.VendorGroup AND v.Vendor = o.Vendor
GROUP BY v.Vendor, v.Name
ORDER BY TotalOpen DESC;
