-- Customers whose open balance exceeds their credit limit (correlated subqueries).
SELECT c.CustGroup, c.Customer, c.Name, c.CreditLimit,
       (SELECT SUM(t.AmountDue)
          FROM ARTH t WITH (NOLOCK)
         WHERE t.CustGroup = c.CustGroup AND t.Customer = c.Customer) AS OpenBalance
FROM ARCM c WITH (NOLOCK)
WHERE c.Status = 'A'
  AND c.CreditLimit > 0
  AND EXISTS (SELECT 1
                FROM ARTH t2 WITH (NOLOCK)
               WHERE t2.CustGroup = c.CustGroup
                 AND t2.Customer = c.Customer
                 AND t2.Mth >= '2023-01-01')
  AND c.CreditLimit < (SELECT SUM(t3.AmountDue)
                         FROM ARTH t3 WITH (NOLOCK)
                        WHERE t3.CustGroup = c.CustGroup AND t3.Customer = c.Customer)
ORDER BY OpenBalance DESC;
