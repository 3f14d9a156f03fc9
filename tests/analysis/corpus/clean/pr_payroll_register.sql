-- Payroll register: hours and earnings by employee for one pay period.
DECLARE @PRCo bCompany = 1, @PRGroup bGroup = 1, @PREndDate bDate = '2024-06-15';

SELECT e.PRCo, e.Employee, e.LastName + ', ' + e.FirstName AS EmployeeName,
       th.PRGroup, th.PREndDate, th.PaySeq,
       SUM(th.Hours) AS Hours,
       SUM(th.Amt)   AS Earnings
FROM PRTH th WITH (NOLOCK)
JOIN PREH e WITH (NOLOCK) ON e.PRCo = th.PRCo AND e.Employee = th.Employee
WHERE th.PRCo = @PRCo
  AND th.PRGroup = @PRGroup
  AND th.PREndDate = @PREndDate
GROUP BY e.PRCo, e.Employee, e.LastName, e.FirstName, th.PRGroup, th.PREndDate, th.PaySeq
ORDER BY EmployeeName;
