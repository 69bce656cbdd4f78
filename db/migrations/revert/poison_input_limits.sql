BEGIN;
-- Every constraint of the deploy script, found by its suffix, then the blank rule as it was.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT k.conrelid::regclass AS tbl, k.conname FROM pg_constraint k
            WHERE k.connamespace = 'kassa'::regnamespace AND k.contype = 'c'
              AND (k.conname LIKE '%\_max\_length' OR k.conname LIKE '%\_finite') LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
  END LOOP;
  FOR c IN SELECT k.conrelid::regclass AS tbl, k.conname, a.attname FROM pg_constraint k
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
            WHERE k.connamespace = 'kassa'::regnamespace AND k.contype = 'c' AND k.conname LIKE '%\_not\_blank' LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %2$I CHECK (btrim(%3$I) <> %4$L)',
                   c.tbl, c.conname, c.attname, '');
  END LOOP;
END $$;
ALTER TABLE kassa.tenants DROP COLUMN date_window_back_days, DROP COLUMN date_window_forward_days;
COMMIT;
