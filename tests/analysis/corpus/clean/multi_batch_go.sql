USE Viewpoint
GO

SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO

-- Batch 1: vendors
SELECT TOP 10 v.VendorGroup, v.Vendor, v.Name FROM APVM v WITH (NOLOCK) ORDER BY v.Name
GO

-- Batch 2: customers (GO with a count and a trailing comment)
SELECT TOP 10 c.CustGroup, c.Customer, c.Name FROM ARCM c WITH (NOLOCK) ORDER BY c.Name
go 2 -- run twice

/* Batch 3: the string below contains the word GO but not on its own line */
SELECT 'ready to GO' AS Msg, j.Job
FROM JCJM j WITH (NOLOCK)
WHERE j.Description LIKE '%GO%'
GO
