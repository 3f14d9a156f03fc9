-- Vendors with AP activity or open POs, except inactive ones; UNION / UNION ALL / EXCEPT / INTERSECT.
SELECT h.VendorGroup, h.Vendor, 'AP' AS SourceModule
FROM APTH h WITH (NOLOCK)
WHERE h.APCo = 1 AND h.Mth >= '2024-01-01'
UNION
SELECT p.VendorGroup, p.Vendor, 'PO'
FROM POHD p WITH (NOLOCK)
WHERE p.POCo = 1 AND p.Status = 0
UNION ALL
SELECT s.VendorGroup, s.Vendor, 'SL'
FROM SLHD s WITH (NOLOCK)
WHERE s.SLCo = 1
EXCEPT
SELECT v.VendorGroup, v.Vendor, 'AP'
FROM APVM v WITH (NOLOCK)
WHERE v.ActiveYN = 'N'
ORDER BY Vendor;

SELECT c.CustGroup, c.Customer FROM ARCM c WITH (NOLOCK)
INTERSECT
SELECT cm.CustGroup, cm.Customer FROM JCCM cm WITH (NOLOCK) WHERE cm.ContractStatus = 1;
