-- Deductions and liabilities per employee and pay sequence, joined on the full PR key.
SELECT dt.PRCo, dt.PRGroup, dt.PREndDate, dt.Employee, dt.PaySeq,
       dt.EDLType, dt.EDLCode, dl.Description,
       dt.Amount, dt.SubjectAmt, dt.EligibleAmt,
       sq.PaidDate, sq.CMRef
FROM PRDT dt WITH (NOLOCK)
INNER JOIN PRSQ sq WITH (NOLOCK)
        ON sq.PRCo = dt.PRCo
       AND sq.PRGroup = dt.PRGroup
       AND sq.PREndDate = dt.PREndDate
       AND sq.Employee = dt.Employee
       AND sq.PaySeq = dt.PaySeq
INNER JOIN PRDL dl WITH (NOLOCK)
        ON dl.PRCo = dt.PRCo AND dl.DLCode = dt.EDLCode
WHERE dt.PRCo = 1
  AND dt.EDLType IN ('D', 'L')
  AND dt.PREndDate BETWEEN '2024-01-01' AND '2024-03-31'
ORDER BY dt.Employee, dt.PREndDate, dt.EDLType, dt.EDLCode;
