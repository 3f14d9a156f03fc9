-- Masters shared across companies are keyed by group: list the vendors and customers
-- of one company by joining HQCO's VendorGroup / CustGroup (HQCO.Vendor and HQCO.Customer
-- are unrelated single values, not part of this join).
SELECT hq.HQCo, v.Vendor, v.Name
FROM HQCO hq WITH (NOLOCK)
JOIN APVM v WITH (NOLOCK) ON v.VendorGroup = hq.VendorGroup
WHERE hq.HQCo = 1 AND v.ActiveYN = 'Y';

SELECT hq.HQCo, c.Customer, c.Name
FROM HQCO hq WITH (NOLOCK)
JOIN ARCM c WITH (NOLOCK) ON c.CustGroup = hq.CustGroup
WHERE hq.HQCo = 1;

SELECT hq.HQCo, m.Material, m.Description
FROM HQCO hq WITH (NOLOCK)
JOIN HQMT m WITH (NOLOCK) ON m.MatlGroup = hq.MatlGroup
WHERE hq.HQCo = 1;
