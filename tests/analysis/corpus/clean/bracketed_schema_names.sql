-- Bracketed and schema-qualified names, aliases with and without AS.
SELECT [cm].[JCCo], [cm].[Contract], [cm].[Description] AS [Contract Description],
       ci.[Item], ci.[ContractAmt] [Amount]
FROM [dbo].[JCCM] AS [cm] WITH (NOLOCK)
INNER JOIN dbo.[JCCI] ci WITH (NOLOCK)
        ON ci.[JCCo] = [cm].[JCCo] AND ci.[Contract] = [cm].[Contract]
INNER JOIN [ARCM] WITH (NOLOCK)
        ON [ARCM].[CustGroup] = cm.CustGroup AND ARCM.Customer = cm.Customer
WHERE [cm].[JCCo] = 1
ORDER BY [Contract Description], ci.Item;

SELECT JCCM.JCCo, JCCM.Contract, JCCM.ContractAmt
FROM dbo.JCCM WITH (NOLOCK)
WHERE JCCM.ContractStatus = 1;
