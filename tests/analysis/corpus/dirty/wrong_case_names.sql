-- expect: VG003 VG003 VG003
-- Written against a case-insensitive copy; Vista's collation is Latin1_General_BIN.
SELECT j.job, j.description
FROM jcjm j WITH (NOLOCK)
WHERE j.JCCo = 1;
