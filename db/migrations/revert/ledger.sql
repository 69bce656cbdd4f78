BEGIN;
DROP TABLE kassa.ledger_entries;
DROP TABLE kassa.billing_accounts;
COMMIT;
