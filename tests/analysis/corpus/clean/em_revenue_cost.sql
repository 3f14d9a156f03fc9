-- Equipment revenue vs. cost for the year, one row per piece of equipment.
WITH Rev AS (
    SELECT r.EMCo, r.Equipment, SUM(r.Dollars) AS Revenue, SUM(r.TimeUnits) AS Hours
    FROM EMRD r WITH (NOLOCK)
    WHERE r.Mth BETWEEN '2024-01-01' AND '2024-12-01'
    GROUP BY r.EMCo, r.Equipment
), Cost AS (
    SELECT c.EMCo, c.Equipment, SUM(c.Dollars) AS Cost
    FROM EMCD c WITH (NOLOCK)
    WHERE c.Mth BETWEEN '2024-01-01' AND '2024-12-01'
    GROUP BY c.EMCo, c.Equipment
)
SELECT e.EMCo, e.Equipment, e.Description, e.Category,
       COALESCE(rv.Revenue, 0) AS Revenue,
       COALESCE(co.Cost, 0)    AS Cost,
       COALESCE(rv.Revenue, 0) - COALESCE(co.Cost, 0) AS Margin,
       rv.Hours
FROM EMEM e WITH (NOLOCK)
LEFT JOIN Rev rv ON rv.EMCo = e.EMCo AND rv.Equipment = e.Equipment
LEFT JOIN Cost co ON co.EMCo = e.EMCo AND co.Equipment = e.Equipment
WHERE e.EMCo = 1 AND e.Status = 'A'
ORDER BY Margin DESC;
