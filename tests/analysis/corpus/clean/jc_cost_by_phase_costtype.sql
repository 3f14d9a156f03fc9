-- Job cost to date by phase and cost type, through a cut-off month.
DECLARE @JCCo bCompany = 1;
DECLARE @Job bJob = '  1001-';
DECLARE @ThroughMth bMonth = '2024-06-01';

SELECT p.JCCo,
       p.Job,
       p.PhaseGroup,
       p.Phase,
       jp.Description AS PhaseDescription,
       p.CostType,
       ct.Abbreviation,
       SUM(p.ActualHours)   AS ActualHours,
       SUM(p.ActualCost)    AS ActualCost,
       SUM(p.OrigEstCost)   AS OrigEstCost,
       SUM(p.CurrEstCost)   AS CurrEstCost,
       SUM(p.ProjCost)      AS ProjCost,
       SUM(p.RemainCmtdCost) AS RemainCmtdCost
FROM JCCP p WITH (NOLOCK)
JOIN JCJP jp WITH (NOLOCK)
  ON jp.JCCo = p.JCCo AND jp.Job = p.Job AND jp.PhaseGroup = p.PhaseGroup AND jp.Phase = p.Phase
JOIN JCCT ct WITH (NOLOCK)
  ON ct.PhaseGroup = p.PhaseGroup AND ct.CostType = p.CostType
WHERE p.JCCo = @JCCo
  AND p.Job = @Job
  AND p.Mth <= @ThroughMth
GROUP BY p.JCCo, p.Job, p.PhaseGroup, p.Phase, jp.Description, p.CostType, ct.Abbreviation
ORDER BY p.Phase, p.CostType;
