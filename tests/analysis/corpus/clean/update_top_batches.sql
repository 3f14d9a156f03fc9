-- Purge in small batches: UPDATE TOP (n) / DELETE TOP (n) in a loop.
DECLARE @rows int = 1;
WHILE @rows > 0
BEGIN
    UPDATE TOP (500) bJCCD
    SET DeleteFlag = 'Y'
    WHERE JCCo = 1 AND Mth < '2015-01-01' AND DeleteFlag = 'N';
    SET @rows = @@ROWCOUNT;
END

DELETE TOP (500) FROM bJCCD WHERE JCCo = 1 AND DeleteFlag = 'Y';
