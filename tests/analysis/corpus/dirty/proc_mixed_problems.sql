-- expect: VG004 VG005 VG006 VG007
CREATE PROCEDURE dbo.mckrptBadAP @APCo bCompany
AS
BEGIN
    SELECT h.APRef, l.GrossAmt
    FROM bAPTH h WITH (NOLOCK)
    JOIN APTL l ON l.APCo = h.APCo AND l.APTrans = h.APTrans
    WHERE h.APCo = @APCo AND h.Mth = '2024-03-15'
END
GO
