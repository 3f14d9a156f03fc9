-- Deployment script with two procedures: the second fills a temp table its caller creates,
-- which has nothing to do with the first procedure's #work.
CREATE PROCEDURE dbo.mckspBuildWork (@JCCo bCompany)
AS
CREATE TABLE #work (Job varchar(10) NOT NULL)
INSERT #work (Job) SELECT j.Job FROM JCJM j WITH (NOLOCK) WHERE j.JCCo = @JCCo
SELECT w.Job FROM #work w
GO

CREATE PROCEDURE dbo.mckspFillWorkAmounts (@JCCo bCompany)
AS
-- #work (Job, Amount) is created by the calling report procedure.
UPDATE w
SET w.Amount = x.Amount
FROM #work w
JOIN (SELECT cp.Job, SUM(cp.ActualCost) AS Amount
      FROM JCCP cp WITH (NOLOCK)
      WHERE cp.JCCo = @JCCo
      GROUP BY cp.Job) x ON x.Job = w.Job
GO
