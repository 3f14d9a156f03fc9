-- Bulk load into a conversion table with a TABLOCK hint on the INSERT target.
INSERT INTO budxrefPhase WITH (TABLOCK) (Company, oldPhase, VPCo, newPhase)
SELECT 1, p.Phase, p.PhaseGroup, p.Phase
FROM JCPM p WITH (NOLOCK)
WHERE p.PhaseGroup = 1;
