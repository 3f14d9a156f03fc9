-- Approved change orders by contract item with the month they were approved.
SELECT oh.JCCo, oh.Job, oh.ACO, oh.Description AS ACODesc, oh.ApprovalDate,
       oi.ACOItem, oi.Item, oi.ContractAmt, oi.ApprovedMonth,
       ci.Description AS ItemDesc
FROM JCOH oh WITH (NOLOCK)
JOIN JCOI oi WITH (NOLOCK) ON oi.JCCo = oh.JCCo AND oi.Job = oh.Job AND oi.ACO = oh.ACO
LEFT JOIN JCCI ci WITH (NOLOCK) ON ci.JCCo = oi.JCCo AND ci.Contract = oi.Contract AND ci.Item = oi.Item
WHERE oh.JCCo = 1
  AND oi.ApprovedMonth >= '2024-01-01'
ORDER BY oh.Job, oh.ACO, oi.ACOItem;
