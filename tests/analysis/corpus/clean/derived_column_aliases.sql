-- Derived tables named with a column alias list: the inner aggregates have no names of their own.
SELECT t.Co, t.Job, t.Cost
FROM (SELECT cp.JCCo, cp.Job, SUM(cp.ActualCost)
      FROM JCCP cp WITH (NOLOCK)
      WHERE cp.Mth <= '2024-06-01'
      GROUP BY cp.JCCo, cp.Job) AS t (Co, Job, Cost)
WHERE t.Cost > 0
ORDER BY t.Cost DESC;

SELECT s.Code, s.Label
FROM (VALUES (1, 'Open'), (2, 'Soft close'), (3, 'Hard close')) AS s (Code, Label);
