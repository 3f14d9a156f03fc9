-- Temp table widened with ALTER TABLE ... ADD before it is filled in.
SELECT j.JCCo, j.Job, j.Contract
INTO #JobList
FROM JCJM j WITH (NOLOCK)
WHERE j.JCCo = 1;

ALTER TABLE #JobList ADD ActualCost numeric(14, 2) NULL;

UPDATE jl
SET ActualCost = x.Cost
FROM #JobList jl
JOIN (SELECT cp.JCCo, cp.Job, SUM(cp.ActualCost) AS Cost
      FROM JCCP cp WITH (NOLOCK)
      GROUP BY cp.JCCo, cp.Job) x ON x.JCCo = jl.JCCo AND x.Job = jl.Job;

SELECT jl.Job, jl.Contract, jl.ActualCost FROM #JobList jl ORDER BY jl.ActualCost DESC;
