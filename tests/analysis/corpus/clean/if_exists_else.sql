-- IF EXISTS (...) BEGIN ... END ELSE BEGIN ... END with queries in both branches.
DECLARE @Co bCompany = 1, @Contract bContract = '  1001-';

IF EXISTS (SELECT 1 FROM JCCM cm WITH (NOLOCK) WHERE cm.JCCo = @Co AND cm.Contract = @Contract AND cm.ContractStatus = 1)
BEGIN
    SELECT ci.Item, ci.Description, ci.ContractAmt, ci.BilledAmt
    FROM JCCI ci WITH (NOLOCK)
    WHERE ci.JCCo = @Co AND ci.Contract = @Contract
    ORDER BY ci.Item
END
ELSE IF (SELECT COUNT(*) FROM JCCI ci2 WITH (NOLOCK) WHERE ci2.JCCo = @Co) > 0
BEGIN
    PRINT 'Contract not open'
    SELECT TOP 1 cm.Contract, cm.Description FROM JCCM cm WITH (NOLOCK) WHERE cm.JCCo = @Co
END
ELSE
    SELECT 'No contracts' AS Msg

IF @Co = 1 SELECT hq.Name FROM HQCO hq WITH (NOLOCK) WHERE hq.HQCo = @Co ELSE SELECT 'other' AS Name
