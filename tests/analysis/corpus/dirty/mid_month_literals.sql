-- expect: VG007 VG007
-- Mth holds the first of the month: these comparisons match nothing or the wrong month.
SELECT cp.Job, SUM(cp.ActualCost) AS Cost
FROM JCCP cp WITH (NOLOCK)
WHERE cp.Mth >= '2024-01' AND cp.Mth <= '2024-06-30'
  AND cp.JCCo = 1
GROUP BY cp.Job;
