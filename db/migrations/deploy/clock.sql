-- The one clock: a platform-wide shift added to the server's time. It is zero in production;
-- tests (and rehearsals of dunning or retry schedules) move every default date, rule and job
-- at once by changing it, without sleeping. One row, readable only through internal.clock_now().
BEGIN;
CREATE TABLE kassa.clock (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  shift     interval NOT NULL DEFAULT '0'
);
INSERT INTO kassa.clock DEFAULT VALUES;
ALTER TABLE kassa.clock ENABLE ROW LEVEL SECURITY;
COMMIT;
