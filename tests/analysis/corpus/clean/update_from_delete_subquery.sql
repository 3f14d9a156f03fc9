-- Maintenance script: UPDATE ... FROM with joins, DELETE with a subquery, INSERT ... SELECT.
BEGIN TRY
    BEGIN TRANSACTION;

    UPDATE h
       SET h.Notes = ISNULL(h.Notes, '') + ' reviewed ' + CONVERT(varchar(10), GETDATE(), 101)
      FROM bAPTH h
      JOIN APVM v WITH (NOLOCK) ON v.VendorGroup = h.VendorGroup AND v.Vendor = h.Vendor
     WHERE h.APCo = 1
       AND h.Mth = '2024-02-01'
       AND v.V1099YN = 'Y';

    DELETE FROM bJCCD
     WHERE JCCo = 1
       AND Mth = '2023-01-01'
       AND Job IN (SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE j.JCCo = 1 AND j.JobStatus = 3);

    DELETE d
      FROM bAPTD d
     WHERE d.APCo = 1
       AND NOT EXISTS (SELECT 1 FROM APTL l WITH (NOLOCK)
                        WHERE l.APCo = d.APCo AND l.Mth = d.Mth
                          AND l.APTrans = d.APTrans AND l.APLine = d.APLine);

    INSERT INTO budxrefGLAcct (Company, oldGLAcct, newGLAcct, Description)
    SELECT a.GLCo, a.GLAcct, a.GLAcct, a.Description
      FROM GLAC a WITH (NOLOCK)
     WHERE a.GLCo = 1
       AND NOT EXISTS (SELECT 1 FROM budxrefGLAcct x WITH (NOLOCK)
                        WHERE x.Company = a.GLCo AND x.oldGLAcct = a.GLAcct);

    COMMIT TRANSACTION;
END TRY
BEGIN CATCH
    IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
    DECLARE @err nvarchar(4000) = ERROR_MESSAGE();
    RAISERROR(@err, 16, 1);
END CATCH;
