-- Demo data loaded by `make up` into an empty database. Fixed ids, so printed tokens and the
-- README's curl examples keep working.
INSERT INTO kassa.tenants (id, slug, name, legal_name, address, vat_number, country, currency,
                           prices_include_vat, timezone, locale, payment_terms_days)
VALUES
  ('11111111-1111-4111-8111-111111111111', 'lekker-fibre', 'Lekker Fibre', 'Lekker Fibre (Pty) Ltd',
   '12 Long Street, Cape Town, 8001', '4123456789', 'ZA', 'ZAR', true, 'Africa/Johannesburg', 'en_ZA', 7),
  ('22222222-2222-4222-8222-222222222222', 'rheinwelle', 'Rheinwelle Telekom', 'Rheinwelle Telekom GmbH',
   'Rheinuferstraße 7, 40213 Düsseldorf', 'DE123456789', 'DE', 'EUR', false, 'Europe/Berlin', 'de_DE', 14);

INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES
  ('11111111-1111-4111-8111-111111111111', 'standard', 15.00),
  ('11111111-1111-4111-8111-111111111111', 'zero', 0.00),
  ('22222222-2222-4222-8222-222222222222', 'standard', 19.00),
  ('22222222-2222-4222-8222-222222222222', 'reduced', 7.00),
  ('22222222-2222-4222-8222-222222222222', 'zero', 0.00);

INSERT INTO kassa.customers (tenant_id, id, type, name, company_name, email, phone, address) VALUES
  ('11111111-1111-4111-8111-111111111111', 'a1111111-0000-4000-8000-000000000001', 'personal',
   'Thandi Nkosi', NULL, 'thandi@example.co.za', '+27 82 555 0101', '3 Kloof Nek Road, Cape Town'),
  ('11111111-1111-4111-8111-111111111111', 'a1111111-0000-4000-8000-000000000002', 'business',
   'Pieter van Wyk', 'Karoo Coffee CC', 'accounts@karoocoffee.co.za', '+27 21 555 0102', '9 Bree Street, Cape Town'),
  ('11111111-1111-4111-8111-111111111111', 'a1111111-0000-4000-8000-000000000003', 'personal',
   'Ayesha Patel', NULL, 'ayesha.patel@example.co.za', '+27 83 555 0103', '21 Main Road, Durban'),
  ('22222222-2222-4222-8222-222222222222', 'b2222222-0000-4000-8000-000000000001', 'business',
   'Jana Schmidt', 'Schmidt Logistik GmbH', 'buchhaltung@schmidt-logistik.de', '+49 211 555 0201', 'Hafenstraße 1, Düsseldorf'),
  ('22222222-2222-4222-8222-222222222222', 'b2222222-0000-4000-8000-000000000002', 'personal',
   'Lukas Becker', NULL, 'lukas.becker@example.de', '+49 170 555 0202', 'Königsallee 20, Düsseldorf');
