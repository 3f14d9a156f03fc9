-- Table variables: DECLARE @t TABLE, INSERT ... SELECT, UPDATE ... FROM, DELETE, SELECT.
DECLARE @Budget TABLE (
    JCCo tinyint NOT NULL,
    Job varchar(10) NOT NULL,
    BudgetCost numeric(14, 2) NOT NULL
);

INSERT INTO @Budget (JCCo, Job, BudgetCost)
SELECT ch.JCCo, ch.Job, SUM(ch.OrigCost)
FROM JCCH ch WITH (NOLOCK)
WHERE ch.JCCo = 1
GROUP BY ch.JCCo, ch.Job;

UPDATE b
SET BudgetCost = b.BudgetCost * 1.05
FROM @Budget b
WHERE b.BudgetCost < 10000;

DELETE FROM @Budget WHERE BudgetCost = 0;

SELECT b.JCCo, b.Job, b.BudgetCost, j.Description
FROM @Budget AS b
JOIN JCJM AS j WITH (NOLOCK) ON j.JCCo = b.JCCo AND j.Job = b.Job;
