-- A reporting view and an inline table-valued function defined over Vista views.
CREATE VIEW dbo.mckvJobCostByMonth
AS
SELECT cp.JCCo, cp.Job, cp.Mth,
       SUM(cp.ActualCost) AS ActualCost,
       SUM(cp.CurrEstCost) AS CurrEstCost
FROM dbo.JCCP cp WITH (NOLOCK)
GROUP BY cp.JCCo, cp.Job, cp.Mth
GO

CREATE FUNCTION dbo.mckfJobOpenCommitted (@JCCo bCompany, @Job bJob)
RETURNS TABLE
AS
RETURN (
    SELECT i.Phase, i.JCCType, SUM(i.RemCost) AS RemCost
    FROM POIT i WITH (NOLOCK)
    WHERE i.JCCo = @JCCo AND i.Job = @Job
    GROUP BY i.Phase, i.JCCType
)
GO

CREATE FUNCTION dbo.mckfVendorName (@VendorGroup bGroup, @Vendor bVendor)
RETURNS varchar(60)
AS
BEGIN
    DECLARE @Name varchar(60)
    SELECT @Name = v.Name FROM APVM v WITH (NOLOCK)
    WHERE v.VendorGroup = @VendorGroup AND v.Vendor = @Vendor
    RETURN @Name
END
GO
