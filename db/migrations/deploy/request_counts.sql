-- Deploy kassa:request_counts to pg
-- Counts of requests per bucket (a client address, a payment-link token) and window, the state
-- of the bridge's rate limits (db/functions/065_request_counts.sql). In the database so that every
-- bridge process on every host counts the same requests. Unlogged: a crash forgets the counts of
-- the current minute, which costs nothing, and the writes skip the WAL.
BEGIN;
CREATE UNLOGGED TABLE kassa.request_counts (
  bucket       text        NOT NULL CONSTRAINT request_counts_bucket_max_length CHECK (length(bucket) <= 200),
  window_start timestamptz NOT NULL,
  hits         integer     NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
COMMIT;
