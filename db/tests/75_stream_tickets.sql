-- Stream tickets (db/functions/066_stream_tickets.sql): each is redeemed once, tickets apart
-- and tenants apart, and tickets long expired are removed.
BEGIN;
SELECT plan(5);
\ir helpers/two_tenants.sql
SELECT is(internal.redeem_stream_ticket('aaaaaaaa-0000-4000-8000-00000000000a', '75000000-0000-4000-8000-0000000000aa',
                                        now() + interval '30 seconds'), true, 'a new ticket is redeemed');
SELECT is(internal.redeem_stream_ticket('aaaaaaaa-0000-4000-8000-00000000000a', '75000000-0000-4000-8000-0000000000aa',
                                        now() + interval '30 seconds'), false, 'the same ticket again is refused');
SELECT is(internal.redeem_stream_ticket('aaaaaaaa-0000-4000-8000-00000000000a', '75000000-0000-4000-8000-0000000000bb',
                                        now() + interval '30 seconds'), true, 'another ticket is redeemed');
SELECT is(internal.redeem_stream_ticket('bbbbbbbb-0000-4000-8000-00000000000b', '75000000-0000-4000-8000-0000000000aa',
                                        now() + interval '30 seconds'), true, 'tenants apart');
INSERT INTO kassa.stream_tickets VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', '75000000-0000-4000-8000-0000000000cc',
                                         now() - interval '2 minutes');
SELECT internal.redeem_stream_ticket('aaaaaaaa-0000-4000-8000-00000000000a', '75000000-0000-4000-8000-0000000000dd',
                                     now() + interval '30 seconds');
SELECT is((SELECT count(*)::int FROM kassa.stream_tickets WHERE id = '75000000-0000-4000-8000-0000000000cc'), 0,
          'a ticket more than a minute past its expiry is removed');

SELECT * FROM finish();
ROLLBACK;
