-- The bridge's rate limits (bridge/rate_limit.py): a request counts one hit in its bucket's
-- current window (a fixed window of p_window_s seconds); beyond p_limit hits the answer is the
-- seconds until the window ends, which the bridge sends as Retry-After, else NULL. One upsert
-- per request, atomic across every bridge process (the row lock orders concurrent hits).

-- Windows that ended more than an hour ago (no limit counts a longer window).
CREATE OR REPLACE FUNCTION internal.sweep_request_counts() RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  WITH swept AS (
    DELETE FROM kassa.request_counts c WHERE c.window_start < pg_catalog.clock_timestamp() - interval '1 hour'
    RETURNING 1)
  SELECT count(*)::integer FROM swept
$$;

CREATE OR REPLACE FUNCTION internal.count_request(p_bucket text, p_limit integer, p_window_s integer DEFAULT 60)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  bucket_key  text := left(p_bucket, 200);
  now_at      timestamptz := pg_catalog.clock_timestamp();
  this_window timestamptz := pg_catalog.to_timestamp(
                               pg_catalog.floor(extract(epoch FROM now_at) / p_window_s) * p_window_s);
  hits_now    integer;
BEGIN
  INSERT INTO kassa.request_counts AS c (bucket, window_start, hits)
  VALUES (bucket_key, this_window, 1)
  ON CONFLICT (bucket, window_start) DO UPDATE SET hits = c.hits + 1
  RETURNING c.hits INTO hits_now;
  IF hits_now = 1 THEN
    -- A new window: the bucket's past ones are of no use any more. Buckets seen once (an
    -- address that never returns) are swept by about one request in a thousand.
    DELETE FROM kassa.request_counts c WHERE c.bucket = bucket_key AND c.window_start < this_window;
    IF pg_catalog.random() < 0.001 THEN
      PERFORM internal.sweep_request_counts();
    END IF;
  END IF;
  IF hits_now <= p_limit THEN
    RETURN NULL;
  END IF;
  RETURN greatest(1, ceil(extract(epoch FROM this_window - now_at) + p_window_s))::integer;
END $$;

-- The wait a bucket's next hit would get, without counting one: a limit on something known
-- only after the work (an unknown payment-link token) is checked before the work.
CREATE OR REPLACE FUNCTION internal.requests_over(p_bucket text, p_limit integer, p_window_s integer DEFAULT 60)
RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT greatest(1, ceil(extract(epoch FROM c.window_start - pg_catalog.clock_timestamp()) + p_window_s))::integer
    FROM kassa.request_counts c
   WHERE c.bucket = left(p_bucket, 200) AND c.hits >= p_limit
     AND c.window_start = pg_catalog.to_timestamp(
           pg_catalog.floor(extract(epoch FROM pg_catalog.clock_timestamp()) / p_window_s) * p_window_s)
$$;

-- A payment page view (bridge/pay.py), in one call: it counts against its address's page
-- views, then its address's unknown tokens are checked without counting (guessing stops at that
-- limit before any token is looked up), then it counts against its token's views. The wait of
-- the first limit reached, else NULL (COALESCE evaluates no further than the first wait).
CREATE OR REPLACE FUNCTION internal.count_page_view(p_address text, p_token_bucket text, p_page_views integer,
                                                    p_unknown_tokens integer, p_token_views integer)
RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT coalesce(internal.count_request('pay-address:' || p_address, p_page_views),
                  internal.requests_over('pay-unknown:' || p_address, p_unknown_tokens),
                  internal.count_request(p_token_bucket, p_token_views))
$$;

-- Nobody but these functions reads or writes the counts.
ALTER TABLE kassa.request_counts ENABLE ROW LEVEL SECURITY;
