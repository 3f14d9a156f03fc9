-- A comma-separated job list parameter turned into rows with STRING_SPLIT in FROM.
DECLARE @Jobs varchar(max) = '1001-,1002-,1003-';

SELECT s.value AS Job
FROM STRING_SPLIT(@Jobs, ',') AS s;

SELECT j.Job, j.Description
FROM JCJM j WITH (NOLOCK)
JOIN STRING_SPLIT(@Jobs, ',') AS s ON s.value = j.Job
WHERE j.JCCo = 1;
