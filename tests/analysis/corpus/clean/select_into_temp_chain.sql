-- A chain of temp tables built with SELECT INTO, columns flowing from one to the next.
IF OBJECT_ID('tempdb..#Jobs') IS NOT NULL DROP TABLE #Jobs;

SELECT j.JCCo, j.Job, j.Contract, j.Description AS JobDesc
INTO #Jobs
FROM JCJM j WITH (NOLOCK)
WHERE j.JCCo = 1 AND j.JobStatus = 1;

SELECT jb.JCCo, jb.Job, jb.JobDesc, SUM(cp.ActualCost) AS ActualCost
INTO #JobCost
FROM #Jobs jb
JOIN JCCP cp WITH (NOLOCK) ON cp.JCCo = jb.JCCo AND cp.Job = jb.Job
GROUP BY jb.JCCo, jb.Job, jb.JobDesc;

CREATE NONCLUSTERED INDEX ix_JobCost ON #JobCost (JCCo, Job);

SELECT jc.Job, jc.JobDesc, jc.ActualCost, cm.ContractAmt
FROM #JobCost jc
JOIN #Jobs jb ON jb.JCCo = jc.JCCo AND jb.Job = jc.Job
JOIN JCCM cm WITH (NOLOCK) ON cm.JCCo = jb.JCCo AND cm.Contract = jb.Contract
ORDER BY jc.ActualCost DESC;
