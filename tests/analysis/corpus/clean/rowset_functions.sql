-- Built-in rowset functions in FROM: linked-server queries and system functions.
SELECT x.VendorId, x.VendorName
FROM OPENQUERY(LEGACY, 'SELECT VendorId, VendorName FROM dbo.Vendors') AS x;

SELECT r.Id
FROM OPENROWSET('SQLNCLI', 'Server=legacy;Trusted_Connection=yes;', 'SELECT 1 AS Id') AS r;

SELECT c.name, c.description
FROM sys.fn_helpcollations() AS c
WHERE c.name LIKE 'Latin1_General_BIN%';
