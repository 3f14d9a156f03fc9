-- expect: VG008
-- Description exists in both JCJM and JCCM.
SELECT j.Job, Description
FROM JCJM j WITH (NOLOCK)
JOIN JCCM c WITH (NOLOCK) ON c.JCCo = j.JCCo AND c.Contract = j.Contract;
