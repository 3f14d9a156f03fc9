CREATE PROCEDURE [dbo].[mckspJCCloseCheck] (@JCCo bCompany, @Mth bMonth)
AS
BEGIN
    SET NOCOUNT ON
    DECLARE @Job bJob, @Open int, @msg varchar(255)
    DECLARE @Counter int
    SET @Counter = 0

    DECLARE jobs CURSOR LOCAL FAST_FORWARD FOR
        SELECT j.Job
        FROM JCJM j WITH (NOLOCK)
        WHERE j.JCCo = @JCCo AND j.JobStatus = 1
        ORDER BY j.Job

    OPEN jobs
    FETCH NEXT FROM jobs INTO @Job

    WHILE @@FETCH_STATUS = 0
    BEGIN
        SELECT @Open = COUNT(*)
        FROM JCCD d WITH (NOLOCK)
        WHERE d.JCCo = @JCCo AND d.Job = @Job AND d.Mth = @Mth AND d.InUseBatchId IS NOT NULL

        IF @Open > 0
        BEGIN
            SELECT @msg = 'Job ' + RTRIM(@Job) + ' has ' + CONVERT(varchar(10), @Open) + ' open entries'
            PRINT @msg
            SET @Counter = @Counter + 1
        END

        FETCH NEXT FROM jobs INTO @Job
    END

    CLOSE jobs
    DEALLOCATE jobs

    WHILE @Counter > 100
    BEGIN
        SET @Counter = @Counter - 100
        IF @Counter < 0 BREAK
    END

    RETURN @Counter
END
GO
