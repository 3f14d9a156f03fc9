-- Amount paid per vendor per quarter, PIVOT over a derived table.
SELECT pv.VendorGroup, pv.Vendor, v.Name,
       ISNULL(pv.[1], 0) AS Q1, ISNULL(pv.[2], 0) AS Q2, ISNULL(pv.[3], 0) AS Q3, ISNULL(pv.[4], 0) AS Q4
FROM (
    SELECT d.VendorGroup, d.Supplier AS Vendor, DATEPART(QUARTER, d.PaidMth) AS Qtr, d.Amount
    FROM APTD d WITH (NOLOCK)
    WHERE d.APCo = 1 AND d.Status = 3 AND d.PaidMth BETWEEN '2024-01-01' AND '2024-12-01'
) AS src
PIVOT (SUM(Amount) FOR Qtr IN ([1], [2], [3], [4])) AS pv
JOIN APVM v WITH (NOLOCK) ON v.VendorGroup = pv.VendorGroup AND v.Vendor = pv.Vendor
ORDER BY v.Name;
