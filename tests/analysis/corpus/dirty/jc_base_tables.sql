-- expect: VG005 VG005
-- Queries the base tables instead of the views.
SELECT cm.Contract, jm.Job
FROM bJCCM cm WITH (NOLOCK)
JOIN [bJCJM] jm WITH (NOLOCK) ON jm.JCCo = cm.JCCo AND jm.Contract = cm.Contract
WHERE cm.JCCo = 1;
