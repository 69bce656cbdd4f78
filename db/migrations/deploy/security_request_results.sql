-- What a money RPC answered to a client's request id: a retry with the same id and the same
-- arguments gets the first answer instead of applying twice (a call committed but never
-- answered, e.g. when the API process died, is safe to retry). Kept at least 30 days.
BEGIN;
CREATE TABLE kassa.request_results (
  tenant_id   uuid NOT NULL REFERENCES kassa.tenants (id),
  request_id  text NOT NULL CONSTRAINT request_results_request_id_length CHECK (length(request_id) BETWEEN 1 AND 200),
  operation   text NOT NULL,
  arguments   jsonb NOT NULL,
  result      jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, request_id)
);
CREATE INDEX request_results_age ON kassa.request_results (tenant_id, created_at);
COMMIT;
