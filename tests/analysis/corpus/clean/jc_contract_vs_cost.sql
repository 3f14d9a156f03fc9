-- Contract amount vs. cost to date, one row per job.
SELECT jm.JCCo,
       jm.Job,
       jm.Description            AS JobDescription,
       cm.Contract,
       cm.Description            AS ContractDescription,
       cm.ContractStatus,
       ci.ContractAmt,
       ci.BilledAmt,
       cost.ActualCost,
       cost.ProjCost,
       ci.ContractAmt - cost.ProjCost AS ProjectedMargin
FROM JCJM jm WITH (NOLOCK)
JOIN JCCM cm WITH (NOLOCK) ON cm.JCCo = jm.JCCo AND cm.Contract = jm.Contract
LEFT JOIN (
    SELECT i.JCCo, i.Contract, SUM(i.ContractAmt) AS ContractAmt, SUM(i.BilledAmt) AS BilledAmt
    FROM JCCI i WITH (NOLOCK)
    GROUP BY i.JCCo, i.Contract
) ci ON ci.JCCo = cm.JCCo AND ci.Contract = cm.Contract
LEFT JOIN (
    SELECT cp.JCCo, cp.Job, SUM(cp.ActualCost) AS ActualCost, SUM(cp.ProjCost) AS ProjCost
    FROM JCCP cp WITH (NOLOCK)
    WHERE cp.Mth <= '2024-12-01'
    GROUP BY cp.JCCo, cp.Job
) cost ON cost.JCCo = jm.JCCo AND cost.Job = jm.Job
WHERE jm.JCCo = 1
  AND jm.JobStatus = 1
ORDER BY jm.Job;
