-- Demo data loaded by `make up` into an empty database. Fixed ids, so printed tokens and the
-- README's curl examples keep working.
-- Each tenant with what its documents print (docs/documents.md): address in parts, VAT number,
-- Steuernummer in Germany, company registration, and the bank account for EFT (IBAN/BIC).
INSERT INTO kassa.tenants (id, slug, name, legal_name, address, street, postcode, city, vat_number, tax_number,
                           registration_number, iban, bic, country, currency, prices_include_vat, timezone, locale,
                           payment_terms_days)
VALUES
  ('11111111-1111-4111-8111-111111111111', 'lekker-fibre', 'Lekker Fibre', 'Lekker Fibre (Pty) Ltd',
   '12 Long Street, Cape Town, 8001', '12 Long Street', '8001', 'Cape Town', '4123456789', NULL, '2019/123456/07',
   NULL, NULL, 'ZA', 'ZAR', true, 'Africa/Johannesburg', 'en_ZA', 7),
  ('22222222-2222-4222-8222-222222222222', 'rheinwelle', 'Rheinwelle Telekom', 'Rheinwelle Telekom GmbH',
   'Rheinuferstraße 7, 40213 Düsseldorf', 'Rheinuferstraße 7', '40213', 'Düsseldorf', 'DE123456789', '133/5701/2345',
   'HRB 98765, Amtsgericht Düsseldorf', 'DE89370400440532013000', 'COBADEFFXXX', 'DE', 'EUR', false, 'Europe/Berlin',
   'de_DE', 14),
  ('33333333-3333-4333-8333-333333333333', 'samarkand-tours', 'Samarkand Tours', 'Samarkand Tours LLC',
   'Registan Street 5, Samarkand', 'Registan Street 5', '140100', 'Samarkand', '301234567', NULL, NULL, NULL, NULL,
   'UZ', 'UZS', true, 'Asia/Tashkent', 'en', 7);

INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES
  ('11111111-1111-4111-8111-111111111111', 'standard', 15.00),
  ('11111111-1111-4111-8111-111111111111', 'zero', 0.00),
  ('22222222-2222-4222-8222-222222222222', 'standard', 19.00),
  ('22222222-2222-4222-8222-222222222222', 'reduced', 7.00),
  ('22222222-2222-4222-8222-222222222222', 'zero', 0.00),
  ('33333333-3333-4333-8333-333333333333', 'standard', 12.00);

-- The business customers are VAT registered; Schmidt Logistik's orders carry its buyer reference.
INSERT INTO kassa.customers (tenant_id, id, type, name, company_name, email, phone, address, street, postcode, city,
                             country, vat_number, buyer_reference) VALUES
  ('11111111-1111-4111-8111-111111111111', 'a1111111-0000-4000-8000-000000000001', 'personal',
   'Thandi Nkosi', NULL, 'thandi@example.co.za', '+27 82 555 0101', '3 Kloof Nek Road, Cape Town',
   '3 Kloof Nek Road', '8001', 'Cape Town', 'ZA', NULL, NULL),
  ('11111111-1111-4111-8111-111111111111', 'a1111111-0000-4000-8000-000000000002', 'business',
   'Pieter van Wyk', 'Karoo Coffee CC', 'accounts@karoocoffee.co.za', '+27 21 555 0102', '9 Bree Street, Cape Town',
   '9 Bree Street', '8001', 'Cape Town', 'ZA', '4230198765', NULL),
  ('11111111-1111-4111-8111-111111111111', 'a1111111-0000-4000-8000-000000000003', 'personal',
   'Ayesha Patel', NULL, 'ayesha.patel@example.co.za', '+27 83 555 0103', '21 Main Road, Durban',
   '21 Main Road', '4001', 'Durban', 'ZA', NULL, NULL),
  ('22222222-2222-4222-8222-222222222222', 'b2222222-0000-4000-8000-000000000001', 'business',
   'Jana Schmidt', 'Schmidt Logistik GmbH', 'buchhaltung@schmidt-logistik.de', '+49 211 555 0201', 'Hafenstraße 1, Düsseldorf',
   'Hafenstraße 1', '40213', 'Düsseldorf', 'DE', 'DE298765432', 'BANF-4500012345'),
  ('22222222-2222-4222-8222-222222222222', 'b2222222-0000-4000-8000-000000000002', 'personal',
   'Lukas Becker', NULL, 'lukas.becker@example.de', '+49 170 555 0202', 'Königsallee 20, Düsseldorf',
   'Königsallee 20', '40212', 'Düsseldorf', 'DE', NULL, NULL),
  ('33333333-3333-4333-8333-333333333333', 'c3333333-0000-4000-8000-000000000001', 'personal',
   'Emma Walker', NULL, 'emma.walker@example.com', '+44 20 5550 0301', '14 Mill Lane, Bristol',
   '14 Mill Lane', 'BS1 4DJ', 'Bristol', 'GB', NULL, NULL);

-- Catalog: a fibre plan and an installation fee in Cape Town, a SIP trunk in Düsseldorf.
INSERT INTO kassa.products (tenant_id, id, code, name, kind) VALUES
  ('11111111-1111-4111-8111-111111111111', 'c1111111-0000-4000-8000-000000000001', 'fibre-50', 'Fibre 50/25 Mbps', 'plan'),
  ('11111111-1111-4111-8111-111111111111', 'c1111111-0000-4000-8000-000000000002', 'install', 'Fibre installation', 'fee'),
  ('22222222-2222-4222-8222-222222222222', 'c2222222-0000-4000-8000-000000000001', 'sip-10', 'SIP-Trunk 10 Kanäle', 'plan');
-- On sale since 60 days ago (a valid_from lies within the tenant's date window).
INSERT INTO kassa.price_versions (tenant_id, id, product_id, price, interval, valid_from)
SELECT v.tenant_id, v.id, v.product_id, v.price, v.interval, internal.tenant_today(v.tenant_id) - 60
  FROM (VALUES
  ('11111111-1111-4111-8111-111111111111'::uuid, 'd1111111-0000-4000-8000-000000000001'::uuid,
   'c1111111-0000-4000-8000-000000000001'::uuid, 69900, 'monthly'),   -- R 699.00 incl. VAT
  ('11111111-1111-4111-8111-111111111111', 'd1111111-0000-4000-8000-000000000002',
   'c1111111-0000-4000-8000-000000000002', 99900, NULL),              -- R 999.00 once
  ('22222222-2222-4222-8222-222222222222', 'd2222222-0000-4000-8000-000000000001',
   'c2222222-0000-4000-8000-000000000001', 4990, 'monthly')           -- € 49.90 plus VAT
  ) AS v (tenant_id, id, product_id, price, interval);

-- Customers sign up themselves at the demo tenants (docs/portal.md).
UPDATE kassa.tenants SET signup_mode = 'open';

-- Lekker Fibre's staff, one per role (docs/api.md, "Staff roles"; `kassa token --staff-user`).
INSERT INTO kassa.staff_users (tenant_id, id, email, name, role) VALUES
  ('11111111-1111-4111-8111-111111111111', '11111111-5555-4111-8111-000000000001', 'anele@lekker-fibre.example', 'Anele Admin', 'admin'),
  ('11111111-1111-4111-8111-111111111111', '11111111-5555-4111-8111-000000000002', 'bongi@lekker-fibre.example', 'Bongi Billing', 'billing'),
  ('11111111-1111-4111-8111-111111111111', '11111111-5555-4111-8111-000000000003', 'sipho@lekker-fibre.example', 'Sipho Support', 'support'),
  ('11111111-1111-4111-8111-111111111111', '11111111-5555-4111-8111-000000000004', 'vusi@lekker-fibre.example', 'Vusi Viewer', 'viewer');

-- Top-ups in Cape Town: R 50 to R 5,000, a bonus of 5 % from R 500 and 10 % from R 1,000.
INSERT INTO kassa.payment_settings (tenant_id, min_top_up, max_top_up)
VALUES ('11111111-1111-4111-8111-111111111111', 5000, 500000);
INSERT INTO kassa.bonus_tiers (tenant_id, min_amount, percent) VALUES
  ('11111111-1111-4111-8111-111111111111', 50000, 5), ('11111111-1111-4111-8111-111111111111', 100000, 10);

-- Services installed 20 days ago on billing day 1, the first with its installation fee; then
-- the invoice run bills the pro-rata first period and the coming month, and Karoo Coffee pays
-- its invoice by EFT. Everything goes through the same functions staff and jobs use.
INSERT INTO kassa.services (tenant_id, id, customer_id, price_version_id, installation_address, billing_day) VALUES
  ('11111111-1111-4111-8111-111111111111', 'e1111111-0000-4000-8000-000000000001',
   'a1111111-0000-4000-8000-000000000001', 'd1111111-0000-4000-8000-000000000001', '3 Kloof Nek Road, Cape Town', 1),
  ('11111111-1111-4111-8111-111111111111', 'e1111111-0000-4000-8000-000000000002',
   'a1111111-0000-4000-8000-000000000002', 'd1111111-0000-4000-8000-000000000001', '9 Bree Street, Cape Town', 1),
  ('22222222-2222-4222-8222-222222222222', 'e2222222-0000-4000-8000-000000000001',
   'b2222222-0000-4000-8000-000000000001', 'd2222222-0000-4000-8000-000000000001', 'Hafenstraße 1, Düsseldorf', 1);
SELECT internal.service_transition(s.tenant_id, s.id, 'activate', 'demo: installed', internal.tenant_today(s.tenant_id) - 20)
  FROM kassa.services s ORDER BY s.id;
SELECT internal.add_fee('11111111-1111-4111-8111-111111111111', 'e1111111-0000-4000-8000-000000000001',
                        'd1111111-0000-4000-8000-000000000002', 1);
SELECT count(*) FROM kassa.tenants t, internal.invoice_run(internal.tenant_today(t.id), t.id) WHERE t.status = 'active';
SELECT set_config('request.jwt.claims',
                  '{"role": "staff", "tenant_id": "11111111-1111-4111-8111-111111111111", "sub": "demo-loader"}', true);
SELECT api.record_manual_payment(i.customer_id, i.total, 'eft', 'demo: EFT received', 'FNB-REF-0001')
  FROM kassa.invoices i WHERE i.customer_id = 'a1111111-0000-4000-8000-000000000002';

-- Samarkand Tours (paid through OCTO, in sum) invoices a booked tour; `make up` prints a payment
-- link to it (kassa/cli.py), a new one each time, since the token of a link is never stored.
SELECT set_config('request.jwt.claims',
                  '{"role": "staff", "tenant_id": "33333333-3333-4333-8333-333333333333", "sub": "demo-loader"}', true);
SELECT internal.add_invoice_line('33333333-3333-4333-8333-333333333333', i.id, 'Silk Road tour, 3 days, 2 people',
                                 185000000, 1, 'standard', NULL, NULL)
  FROM internal.create_invoice('33333333-3333-4333-8333-333333333333', 'c3333333-0000-4000-8000-000000000001',
                               'Booking SR-1042', NULL, NULL, NULL) i;
SELECT internal.finalise_invoices('33333333-3333-4333-8333-333333333333',
                                  ARRAY(SELECT id FROM kassa.invoices WHERE tenant_id = '33333333-3333-4333-8333-333333333333'),
                                  internal.tenant_today('33333333-3333-4333-8333-333333333333'));

-- Beside the small invoices of the run (a German small-amount invoice, South African abridged
-- tax invoices), one full invoice each: Rheinwelle's to Schmidt Logistik over €250 (§14(4) UStG,
-- naming the customer's address and VAT number) and Lekker Fibre's to Karoo Coffee over R5,000
-- (a full tax invoice, s20(4) VAT Act, to a VAT-registered business).
SELECT set_config('request.jwt.claims',
                  '{"role": "staff", "tenant_id": "22222222-2222-4222-8222-222222222222", "sub": "demo-loader"}', true);
SELECT internal.add_invoice_line(i.tenant_id, i.id, l.description, l.price, l.quantity, 'standard', NULL, NULL)
  FROM internal.create_invoice('22222222-2222-4222-8222-222222222222', 'b2222222-0000-4000-8000-000000000001',
                               'Auftrag 2026-117', NULL, NULL,
                               internal.tenant_today('22222222-2222-4222-8222-222222222222') - 5) i,
       (VALUES (1, 'Glasfaser-Standleitung 1 Gbit/s, Einrichtung', 89000, 1),     -- € 890.00 plus VAT
               (2, 'Managed Router, Miete je Monat', 2000, 12)) AS l (n, description, price, quantity)  -- 12 x € 20.00
 ORDER BY l.n;
SELECT internal.finalise_invoices('22222222-2222-4222-8222-222222222222',
                                  ARRAY(SELECT id FROM kassa.invoices WHERE tenant_id = '22222222-2222-4222-8222-222222222222'
                                                                        AND status = 'draft'),
                                  internal.tenant_today('22222222-2222-4222-8222-222222222222'));
SELECT set_config('request.jwt.claims',
                  '{"role": "staff", "tenant_id": "11111111-1111-4111-8111-111111111111", "sub": "demo-loader"}', true);
SELECT internal.add_invoice_line(i.tenant_id, i.id, 'Fibre 1 Gbps business upgrade: installation and router',
                                 862500, 1, 'standard', NULL, NULL)  -- R 8,625.00 incl. VAT
  FROM internal.create_invoice('11111111-1111-4111-8111-111111111111', 'a1111111-0000-4000-8000-000000000002',
                               'Quote Q-2026-031', NULL, NULL,
                               internal.tenant_today('11111111-1111-4111-8111-111111111111') - 3) i;
SELECT internal.finalise_invoices('11111111-1111-4111-8111-111111111111',
                                  ARRAY(SELECT id FROM kassa.invoices WHERE tenant_id = '11111111-1111-4111-8111-111111111111'
                                                                        AND status = 'draft'),
                                  internal.tenant_today('11111111-1111-4111-8111-111111111111'));

-- Thandi logs in to the portal (docs/portal.md#portal) as thandi@example.co.za with the password
-- kassa-demo-portal: its argon2id hash, made once by the bridge's hasher (bridge/logins.py).
INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, customer_id) VALUES
  ('11111111-1111-4111-8111-111111111111', 'thandi@example.co.za',
   '$argon2id$v=19$m=65536,t=3,p=4$qayVN67dtGhnCEzE99LThQ$uyf7g9VYUr355BIZAV5rec63PzmoAbJbvu5eTNL6dRk', now(),
   'a1111111-0000-4000-8000-000000000001');
