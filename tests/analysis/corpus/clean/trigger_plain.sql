-- Insert trigger without column guards: validates against a Vista view.
CREATE TRIGGER dbo.mcktAPVMi ON dbo.bAPVM FOR INSERT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @errmsg varchar(255), @numrows int;
    SELECT @numrows = @@ROWCOUNT;
    IF @numrows = 0 RETURN;

    IF EXISTS (SELECT 1 FROM inserted i
               WHERE NOT EXISTS (SELECT 1 FROM HQCO h WITH (NOLOCK) WHERE h.VendorGroup = i.VendorGroup))
    BEGIN
        SELECT @errmsg = 'Invalid Vendor Group';
        RAISERROR(@errmsg, 11, -1);
        ROLLBACK TRANSACTION;
        RETURN;
    END
END
GO
