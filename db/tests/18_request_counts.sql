-- The bridge's rate limits count in the database (internal.count_request): hits per bucket and
-- window, the wait until the window ends beyond the limit, buckets apart, old windows removed.
BEGIN;
SELECT plan(13);

SELECT is(internal.count_request('address:192.0.2.1', 2, 3600), NULL, 'the first hit passes');
SELECT is(internal.count_request('address:192.0.2.1', 2, 3600), NULL, 'the second (the limit) passes');
SELECT ok(wait BETWEEN 1 AND 3600, 'the third waits until the window ends, in seconds')
  FROM (SELECT internal.count_request('address:192.0.2.1', 2, 3600) AS wait) third;
SELECT is(internal.count_request('address:192.0.2.2', 2, 3600), NULL, 'another bucket counts apart');
SELECT is((SELECT hits FROM kassa.request_counts WHERE bucket = 'address:192.0.2.1'), 3,
          'refused hits count too (a client hammering stays refused)');

SELECT ok(internal.requests_over('address:192.0.2.1', 3, 3600) BETWEEN 1 AND 3600,
          'a peek sees a bucket at its limit');
SELECT is(internal.requests_over('address:192.0.2.2', 3, 3600), NULL, 'and one below it, counting nothing');
-- A past window of the bucket goes when its next window starts.
INSERT INTO kassa.request_counts VALUES ('token:abc', now() - interval '2 hours', 40);
SELECT is(internal.count_request('token:abc', 20), NULL, 'a new window starts from zero');
SELECT is((SELECT count(*) FROM kassa.request_counts WHERE bucket = 'token:abc')::int, 1,
          'and the old window of the bucket is removed');

INSERT INTO kassa.request_counts VALUES ('address:198.51.100.7', now() - interval '2 hours', 1);
SELECT cmp_ok(internal.sweep_request_counts(), '>=', 1, 'the sweep removes windows that ended over an hour ago');

-- A payment page view: an address that guessed too many unknown tokens is refused before its
-- token counts; another address's view passes and counts against the token.
SELECT internal.count_request('pay-unknown:203.0.113.9', 100) FROM generate_series(1, 3);
SELECT ok(internal.count_page_view('203.0.113.9', 'pay-token:t1', 30, 3, 20) BETWEEN 1 AND 60,
          'a page view from an address at its unknown-token limit waits');
SELECT is((SELECT count(*)::int FROM kassa.request_counts WHERE bucket = 'pay-token:t1'), 0,
          'and counts nothing against the token');
SELECT is(internal.count_page_view('203.0.113.10', 'pay-token:t1', 30, 3, 20), NULL, 'another address''s view passes');

SELECT * FROM finish();
ROLLBACK;
