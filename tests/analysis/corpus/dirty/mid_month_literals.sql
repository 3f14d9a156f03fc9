-- expect: VG007 VG007
-- Mth holds the first of the month: these comparisons match nothing or the wrong month.
-- The upper bound '2024-06-30' is harmless (June's row, dated 2024-06-01, is included).
SELECT cp.Job, SUM(cp.ActualCost) AS Cost
FROM JCCP cp WITH (NOLOCK)
WHERE cp.Mth >= '2024-01' AND cp.Mth <= '2024-06-30'
  AND cp.JCCo = 1
GROUP BY cp.Job;

SELECT cp.Job FROM JCCP cp WITH (NOLOCK) WHERE cp.JCCo = 1 AND cp.Mth IN ('2024-03-15');
