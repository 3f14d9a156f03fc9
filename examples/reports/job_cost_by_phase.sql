-- Job cost by phase and cost type for one job, through a month.
-- Views (not b-tables), WITH (NOLOCK) on every read, whole composite keys.
DECLARE @JCCo bCompany = 1, @Job bJob = ' 1001-', @ThroughMth bMonth = '2024-06-01';

SELECT d.Job, d.Phase, p.Description AS PhaseDescription, d.CostType,
       t.Description AS CostTypeDescription,
       SUM(d.ActualCost) AS ActualCost, SUM(d.EstCost) AS EstimatedCost,
       SUM(d.ProjCost) AS ProjectedCost
FROM JCCD d WITH (NOLOCK)
JOIN JCJP p WITH (NOLOCK)
  ON p.JCCo = d.JCCo AND p.Job = d.Job AND p.PhaseGroup = d.PhaseGroup AND p.Phase = d.Phase
JOIN JCCT t WITH (NOLOCK)
  ON t.PhaseGroup = d.PhaseGroup AND t.CostType = d.CostType
WHERE d.JCCo = @JCCo AND d.Job = @Job AND d.Mth <= @ThroughMth
GROUP BY d.Job, d.Phase, p.Description, d.CostType, t.Description
ORDER BY d.Phase, d.CostType;
