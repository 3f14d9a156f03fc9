-- Vista-style update trigger: IF UPDATE(column) guards, inserted/deleted pseudo-tables.
CREATE TRIGGER dbo.mcktJCCMuStatus ON dbo.bJCCM FOR UPDATE
AS
SET NOCOUNT ON

IF UPDATE(ContractStatus)
BEGIN
    INSERT INTO budJCCHDel (CostType, DateTime, JCCo, Phase, Project)
    SELECT 0, GETDATE(), i.JCCo, '', i.Contract
    FROM inserted i
    JOIN deleted d ON d.JCCo = i.JCCo AND d.Contract = i.Contract
    WHERE i.ContractStatus <> d.ContractStatus
END
GO
