-- UPDATE ... OUTPUT ... INTO a table variable with a column list, then report the changes.
DECLARE @Changed TABLE (JCCo tinyint, Job varchar(10), OldStatus tinyint);

UPDATE bJCJM
SET JobStatus = 3
OUTPUT deleted.JCCo, deleted.Job, deleted.JobStatus INTO @Changed (JCCo, Job, OldStatus)
WHERE JCCo = 1 AND JobStatus = 2;

SELECT c.JCCo, c.Job, c.OldStatus, j.Description
FROM @Changed c
JOIN JCJM j WITH (NOLOCK) ON j.JCCo = c.JCCo AND j.Job = c.Job;
