SELECT h.APRef, h.Vendor
FROM bAPTH h
WHERE h.APCo = 1
