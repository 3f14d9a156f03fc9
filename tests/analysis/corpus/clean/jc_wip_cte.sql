-- Work in progress: CTEs for cost, revenue and projections; percent complete.
DECLARE @Co bCompany = 1, @Mth bMonth = '2024-09-01';

WITH Cost AS (
    SELECT cp.JCCo, cp.Job,
           SUM(cp.ActualCost)  AS CostToDate,
           SUM(cp.CurrEstCost) AS CurrEstCost,
           SUM(cp.ProjCost)    AS ProjectedCost
    FROM JCCP cp WITH (NOLOCK)
    WHERE cp.JCCo = @Co AND cp.Mth <= @Mth
    GROUP BY cp.JCCo, cp.Job
),
Revenue AS (
    SELECT ip.JCCo, ip.Contract,
           SUM(ip.ContractAmt) AS ContractAmt,
           SUM(ip.BilledAmt)   AS BilledToDate,
           SUM(ip.ProjDollars) AS ProjectedRevenue
    FROM JCIP ip WITH (NOLOCK)
    WHERE ip.JCCo = @Co AND ip.Mth <= @Mth
    GROUP BY ip.JCCo, ip.Contract
),
Wip AS (
    SELECT j.JCCo, j.Job, j.Contract,
           c.CostToDate,
           CASE WHEN c.ProjectedCost > 0 THEN c.ProjectedCost ELSE c.CurrEstCost END AS EstTotalCost,
           CASE WHEN r.ProjectedRevenue <> 0 THEN r.ProjectedRevenue ELSE r.ContractAmt END AS EstRevenue,
           r.BilledToDate
    FROM JCJM j WITH (NOLOCK)
    JOIN Cost c ON c.JCCo = j.JCCo AND c.Job = j.Job
    JOIN Revenue r ON r.JCCo = j.JCCo AND r.Contract = j.Contract
)
SELECT w.JCCo, w.Job, w.Contract,
       w.CostToDate, w.EstTotalCost, w.EstRevenue, w.BilledToDate,
       PctComplete = CASE WHEN w.EstTotalCost = 0 THEN 0
                          ELSE w.CostToDate / w.EstTotalCost END,
       EarnedRevenue = CASE WHEN w.EstTotalCost = 0 THEN 0
                            ELSE w.EstRevenue * w.CostToDate / w.EstTotalCost END,
       OverUnderBilled = w.BilledToDate - CASE WHEN w.EstTotalCost = 0 THEN 0
                            ELSE w.EstRevenue * w.CostToDate / w.EstTotalCost END
FROM Wip w
ORDER BY OverUnderBilled DESC;
