-- Conversion cross-reference maintenance: MERGE into a Vista ud table from a staging select.
MERGE budxrefCostType AS x
USING (
    SELECT DISTINCT ct.PhaseGroup AS VPCo, ct.CostType, ct.Abbreviation
    FROM JCCT ct WITH (NOLOCK)
    WHERE ct.PhaseGroup = 1
) AS s
ON x.VPCo = s.VPCo AND x.CostType = s.CostType
WHEN MATCHED AND x.CMSCostType <> s.Abbreviation THEN
    UPDATE SET x.CMSCostType = s.Abbreviation
WHEN NOT MATCHED BY TARGET THEN
    INSERT (Company, CMSCostType, VPCo, CostType)
    VALUES (s.VPCo, s.Abbreviation, s.VPCo, s.CostType)
WHEN NOT MATCHED BY SOURCE AND x.VPCo = 1 THEN
    DELETE;
