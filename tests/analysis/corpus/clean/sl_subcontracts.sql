-- Subcontract status: original, current, invoiced and retainage percent by SL.
SELECT s.SLCo, s.SL, s.Description, s.Job, v.Name,
       SUM(it.OrigCost) AS OrigCost,
       SUM(it.CurCost)  AS CurCost,
       SUM(it.InvCost)  AS InvCost,
       SUM(it.CurCost) - SUM(it.InvCost) AS RemainingCommitted,
       MAX(it.WCRetPct) AS RetPct
FROM SLHD s WITH (NOLOCK)
JOIN SLIT it WITH (NOLOCK) ON it.SLCo = s.SLCo AND it.SL = s.SL
JOIN APVM v WITH (NOLOCK) ON v.VendorGroup = s.VendorGroup AND v.Vendor = s.Vendor
WHERE s.SLCo = 1
  AND s.Status IN (0, 1)
GROUP BY s.SLCo, s.SL, s.Description, s.Job, v.Name
HAVING SUM(it.CurCost) > 0
ORDER BY s.Job, s.SL
