-- expect: VG004 VG004 VG004
-- An AP aging query pasted from an old report: no NOLOCK on the header, lines or vendor.
SELECT v.Name, SUM(l.GrossAmt) AS Gross
FROM APTH h
JOIN APTL l ON l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans
JOIN APVM v ON v.VendorGroup = h.VendorGroup AND v.Vendor = h.Vendor
WHERE h.APCo = 1 AND h.OpenYN = 'Y'
GROUP BY v.Name;
