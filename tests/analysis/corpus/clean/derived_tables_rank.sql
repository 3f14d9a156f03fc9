-- Top five vendors per job by AP cost, via a derived table and a window function.
SELECT ranked.JCCo, ranked.Job, ranked.Vendor, ranked.Name, ranked.Cost, ranked.VendorRank
FROM (
    SELECT byvendor.JCCo, byvendor.Job, byvendor.Vendor, v.Name, byvendor.Cost,
           RANK() OVER (PARTITION BY byvendor.JCCo, byvendor.Job ORDER BY byvendor.Cost DESC) AS VendorRank
    FROM (
        SELECT d.JCCo, d.Job, d.VendorGroup, d.Vendor, SUM(d.ActualCost) AS Cost
        FROM JCCD d WITH (NOLOCK)
        WHERE d.Source = 'AP Entry' AND d.Vendor IS NOT NULL
        GROUP BY d.JCCo, d.Job, d.VendorGroup, d.Vendor
    ) AS byvendor
    JOIN APVM v WITH (NOLOCK) ON v.VendorGroup = byvendor.VendorGroup AND v.Vendor = byvendor.Vendor
) ranked
WHERE ranked.VendorRank <= 5
ORDER BY ranked.JCCo, ranked.Job, ranked.VendorRank;
