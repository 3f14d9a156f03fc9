CREATE PROCEDURE dbo.mckspAPVendorActivity
    @APCo bCompany,
    @BeginMth bMonth,
    @EndMth bMonth
AS
SET NOCOUNT ON

CREATE TABLE #Activity (
    VendorGroup tinyint NOT NULL,
    Vendor int NOT NULL,
    InvoiceCount int NULL,
    InvoiceTotal numeric(12, 2) NULL,
    PRIMARY KEY (VendorGroup, Vendor)
)

INSERT INTO #Activity (VendorGroup, Vendor, InvoiceCount, InvoiceTotal)
SELECT h.VendorGroup, h.Vendor, COUNT(*), SUM(h.InvTotal)
FROM APTH h WITH (NOLOCK)
WHERE h.APCo = @APCo AND h.Mth BETWEEN @BeginMth AND @EndMth
GROUP BY h.VendorGroup, h.Vendor

-- SELECT ... INTO creates a second temp table with the projection's columns.
SELECT a.VendorGroup, a.Vendor, v.Name, a.InvoiceCount, a.InvoiceTotal
INTO #Report
FROM #Activity a
JOIN APVM v WITH (NOLOCK) ON v.VendorGroup = a.VendorGroup AND v.Vendor = a.Vendor

UPDATE r
SET r.InvoiceTotal = 0
FROM #Report r
WHERE r.InvoiceTotal IS NULL

DELETE FROM #Report WHERE InvoiceCount = 0

SELECT r.VendorGroup, r.Vendor, r.Name, r.InvoiceCount, r.InvoiceTotal
FROM #Report r
ORDER BY r.InvoiceTotal DESC

DROP TABLE #Activity
DROP TABLE #Report
GO
