IF OBJECT_ID('dbo.mckrptJobCostSummary', 'P') IS NOT NULL
    DROP PROCEDURE dbo.mckrptJobCostSummary
GO
CREATE PROCEDURE dbo.mckrptJobCostSummary
    @JCCo bCompany,
    @BeginJob bJob = '',
    @EndJob bJob = 'zzzzzzzzzz',
    @ThroughMth bMonth = NULL
AS
BEGIN
    SET NOCOUNT ON;

    IF @ThroughMth IS NULL
        SELECT @ThroughMth = DATEADD(MONTH, DATEDIFF(MONTH, 0, GETDATE()), 0);

    IF NOT EXISTS (SELECT 1 FROM JCCO c WITH (NOLOCK) WHERE c.JCCo = @JCCo)
    BEGIN
        RAISERROR('Company %d is not set up in JC', 16, 1, @JCCo);
        RETURN 1;
    END
    ELSE
    BEGIN
        PRINT 'Running job cost summary';
    END

    SELECT jm.Job, jm.Description,
           SUM(cp.ActualCost) AS ActualCost,
           SUM(cp.CurrEstCost) AS CurrEstCost
    FROM JCJM jm WITH (NOLOCK)
    JOIN JCCP cp WITH (NOLOCK) ON cp.JCCo = jm.JCCo AND cp.Job = jm.Job
    WHERE jm.JCCo = @JCCo
      AND jm.Job BETWEEN @BeginJob AND @EndJob
      AND cp.Mth <= @ThroughMth
    GROUP BY jm.Job, jm.Description
    ORDER BY jm.Job;

    RETURN 0;
END
GO
GRANT EXECUTE ON dbo.mckrptJobCostSummary TO public
GO
