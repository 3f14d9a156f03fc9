-- AR aging by customer from invoice headers and lines.
DECLARE @ARCo bCompany = 1, @AsOf date = '2024-06-30';

SELECT c.CustGroup, c.Customer, c.Name,
       SUM(CASE WHEN DATEDIFF(dd, t.DueDate, @AsOf) <= 30 THEN l.Amount - l.Retainage ELSE 0 END) AS Age0to30,
       SUM(CASE WHEN DATEDIFF(dd, t.DueDate, @AsOf) BETWEEN 31 AND 60 THEN l.Amount - l.Retainage ELSE 0 END) AS Age31to60,
       SUM(CASE WHEN DATEDIFF(dd, t.DueDate, @AsOf) > 60 THEN l.Amount - l.Retainage ELSE 0 END) AS AgeOver60,
       SUM(l.Retainage) AS Retainage
FROM ARTH t WITH (NOLOCK)
INNER JOIN ARTL l WITH (NOLOCK)
    ON l.ARCo = t.ARCo AND l.Mth = t.Mth AND l.ARTrans = t.ARTrans
INNER JOIN ARCM c WITH (NOLOCK)
    ON c.CustGroup = t.CustGroup AND c.Customer = t.Customer
WHERE t.ARCo = @ARCo
  AND t.ARTransType IN ('I', 'A', 'C', 'W')
  AND t.TransDate <= @AsOf
GROUP BY c.CustGroup, c.Customer, c.Name
ORDER BY c.Name
