-- Report procedure header: read uncommitted for the whole session, NOLOCK kept anyway.
CREATE PROCEDURE dbo.mckrptOpenPOs (@POCo bCompany)
AS
SET NOCOUNT ON
SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED

SELECT h.PO, h.Description, SUM(i.RemCost) AS RemCost
FROM POHD h WITH (NOLOCK)
JOIN POIT i WITH (NOLOCK) ON i.POCo = h.POCo AND i.PO = h.PO
WHERE h.POCo = @POCo AND h.Status = 0
GROUP BY h.PO, h.Description
GO
