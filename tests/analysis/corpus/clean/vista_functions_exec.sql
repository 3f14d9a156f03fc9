-- Calling Vista's own functions and procedures.
SELECT dbo.vfDateOnly() AS Today,
       dbo.vfHQTaxRate(t.TaxGroup, t.TaxCode, GETDATE()) AS TaxRate,
       t.TaxGroup, t.TaxCode, t.Description
FROM HQTX t WITH (NOLOCK)
WHERE t.TaxGroup = 1;

SELECT j.Job, dbo.bfJCProjectManager(j.JCCo, j.Job) AS ProjectManager
FROM JCJM j WITH (NOLOCK)
WHERE j.JCCo = 1;

EXEC dbo.brptARAge @Company = 1, @Month = '2024-06-01', @AgeDate = '2024-06-30',
     @BegCust = 0, @EndCust = 999999, @RecType = '', @IncludeInvoicesThrough = '2024-06-30',
     @IncludeAdjPayThrough = '2024-06-30', @AgeOnDueorInv = 'D', @LevelofDetail = 'I',
     @DeductDisc = 'N', @DaysBetweenCols = 30, @AgeOpenCredits = 'N', @BegCustName = '',
     @EndCustName = 'zzzzzzzzzzzzzzz', @Sort = 'N';

EXECUTE sp_executesql N'SELECT COUNT(*) FROM JCJM WITH (NOLOCK)';
