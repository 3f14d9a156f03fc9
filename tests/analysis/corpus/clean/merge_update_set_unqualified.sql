-- MERGE whose WHEN MATCHED UPDATE SET names the target column unqualified (always the target).
MERGE bJCJM AS t
USING (SELECT j.JCCo, j.Job, j.Notes FROM JCJM j WITH (NOLOCK) WHERE j.JCCo = 99) AS s
   ON t.JCCo = s.JCCo AND t.Job = s.Job
WHEN MATCHED THEN
    UPDATE SET Notes = s.Notes;
