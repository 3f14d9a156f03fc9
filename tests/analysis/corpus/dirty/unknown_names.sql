-- expect: VG001 VG002
-- A guessed table name and a guessed column name.
SELECT c.Name FROM Customers c WITH (NOLOCK);
SELECT j.JobName FROM JCJM j WITH (NOLOCK) WHERE j.JCCo = 1;
