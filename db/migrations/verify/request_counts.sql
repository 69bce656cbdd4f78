-- Verify kassa:request_counts on pg
SELECT bucket, window_start, hits FROM kassa.request_counts WHERE false;
