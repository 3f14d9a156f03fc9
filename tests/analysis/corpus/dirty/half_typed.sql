-- expect: VG000
-- The user is still typing the WHERE clause.
SELECT j.Job, j.Description
FROM JCJM j WITH (NOLOCK)
WHERE j.JCCo =
