-- NOLOCK in all the spellings real scripts use.
SELECT h.APTrans, l.APLine
FROM APTH h (NOLOCK)
JOIN APTL l (nolock) ON l.APCo = h.APCo AND l.Mth = h.Mth AND l.APTrans = h.APTrans
WHERE h.APCo = 1;

SELECT cm.Contract FROM JCCM cm WITH (READUNCOMMITTED) WHERE cm.JCCo = 1;

SELECT d.CostTrans FROM JCCD d WITH (NOLOCK, INDEX(biJCCD)) WHERE d.JCCo = 1 AND d.Mth = '2024-01-01';

SELECT a.GLAcct FROM GLAC AS a WITH (nolock) WHERE a.GLCo = 1;
