-- Payment runs page through confirmed entitlements in id order: without this index a
-- database sorts every confirmed entitlement for each page, which made a run quadratic.
create index entitlement_payable_idx on entitlement (status, entitlement_id);
