-- A first draft with the mistakes vgpt2 exists to catch. Try:
--   vgpt2 check examples/reports/first_draft.sql
--   vgpt2 fix --diff examples/reports/first_draft.sql
SELECT h.APRef, h.invdate, l.GrossAmt
FROM bAPTH h
JOIN APTL l ON l.APTrans = h.APTrans
WHERE h.Mth = '2024-01-15';
