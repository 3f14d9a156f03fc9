-- Labor hours posted to jobs, by craft and class, with the earnings code description.
SELECT th.JCCo, th.Job, th.Craft, th.Class, ec.Description AS EarnCodeDesc,
       SUM(th.Hours) AS Hours, SUM(th.Amt) AS Amount
FROM PRTH AS th WITH (NOLOCK)
INNER JOIN PREC AS ec WITH (NOLOCK) ON ec.PRCo = th.PRCo AND ec.EarnCode = th.EarnCode
INNER JOIN PRPC AS pc WITH (NOLOCK)
        ON pc.PRCo = th.PRCo AND pc.PRGroup = th.PRGroup AND pc.PREndDate = th.PREndDate
WHERE th.PRCo = 1
  AND th.Job IS NOT NULL
  AND pc.EndMth = '2024-05-01'
GROUP BY th.JCCo, th.Job, th.Craft, th.Class, ec.Description
ORDER BY th.Job, th.Craft, th.Class;
