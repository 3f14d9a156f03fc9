-- Open PO commitments by job and vendor.
SELECT h.POCo, h.PO, h.Description, h.OrderDate, h.Status,
       v.Name AS VendorName,
       i.POItem, i.Job, i.Phase, i.JCCType,
       i.CurCost, i.RecvdCost, i.InvCost, i.RemCost,
       i.CurCost - i.InvCost AS Uninvoiced
FROM POHD h WITH (NOLOCK)
INNER JOIN POIT i WITH (NOLOCK) ON i.POCo = h.POCo AND i.PO = h.PO
INNER JOIN APVM v WITH (NOLOCK) ON v.VendorGroup = h.VendorGroup AND v.Vendor = h.Vendor
WHERE h.POCo = 1
  AND h.Status = 0
  AND i.RemCost <> 0
ORDER BY i.Job, v.Name, h.PO, i.POItem;
