-- System catalog views need no NOLOCK and are not Vista objects.
SELECT o.name, o.type_desc, o.create_date
FROM sys.objects o
WHERE o.name LIKE 'bJC%'
ORDER BY o.name;

SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.ORDINAL_POSITION
FROM INFORMATION_SCHEMA.COLUMNS AS c
WHERE c.TABLE_NAME = 'bJCCM'
ORDER BY c.ORDINAL_POSITION;

SELECT t.name AS TableName, col.name AS ColumnName
FROM sys.tables t
JOIN sys.columns col ON col.object_id = t.object_id
WHERE t.name = 'bAPTH';

-- Three-part names point at another database: not checked.
SELECT x.SomeColumn, x.OtherColumn
FROM Staging.dbo.CGCVendorImport x
WHERE x.SomeColumn IS NOT NULL;

SELECT v.Vendor, s.LegacyVendorId
FROM APVM v WITH (NOLOCK)
JOIN Archive.dbo.VendorMap s ON s.NewVendor = v.Vendor AND s.VendorGroup = v.VendorGroup;
