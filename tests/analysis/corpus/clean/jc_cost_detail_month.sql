/* JC cost detail for one month, with the posting source.
   Mth literals are always the first of the month. */
SELECT d.JCCo, d.Mth, d.CostTrans, d.Job, d.Phase, d.CostType,
       d.ActualDate, d.Source, d.Description,
       d.ActualHours, d.ActualUnits, d.ActualCost,
       d.Vendor, d.APRef, d.Employee
FROM dbo.JCCD AS d WITH (NOLOCK)
INNER JOIN dbo.JCCH AS h WITH (NOLOCK)
        ON h.JCCo = d.JCCo
       AND h.Job = d.Job
       AND h.PhaseGroup = d.PhaseGroup
       AND h.Phase = d.Phase
       AND h.CostType = d.CostType
WHERE d.JCCo = 1
  AND d.Mth = '2024-03-01'
  AND d.ActualCost <> 0
  AND h.ActiveYN = 'Y'
ORDER BY d.Job, d.Phase, d.CostType, d.CostTrans
