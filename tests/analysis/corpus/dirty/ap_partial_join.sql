-- expect: VG006
-- Header to lines on APTrans only: rows from other companies and months pair up.
SELECT h.APRef, l.APLine, l.GrossAmt
FROM APTH h WITH (NOLOCK)
JOIN APTL l WITH (NOLOCK) ON l.APTrans = h.APTrans
WHERE h.APCo = 1;
