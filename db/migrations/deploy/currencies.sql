-- ISO 4217 currencies Kassa accepts, with their number of minor units (amounts are stored as
-- integers of the minor unit). Reference data shared by all tenants.
BEGIN;
CREATE TABLE kassa.currencies (
  code        char(3) PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
  name        text NOT NULL,
  minor_units smallint NOT NULL CHECK (minor_units BETWEEN 0 AND 3)
);
INSERT INTO kassa.currencies (code, name, minor_units) VALUES
  ('AED', 'UAE Dirham', 2), ('AUD', 'Australian Dollar', 2), ('BRL', 'Brazilian Real', 2),
  ('BWP', 'Pula', 2), ('CAD', 'Canadian Dollar', 2), ('CHF', 'Swiss Franc', 2),
  ('CNY', 'Yuan Renminbi', 2), ('CZK', 'Czech Koruna', 2), ('DKK', 'Danish Krone', 2),
  ('EGP', 'Egyptian Pound', 2), ('EUR', 'Euro', 2), ('GBP', 'Pound Sterling', 2),
  ('GHS', 'Ghana Cedi', 2), ('HKD', 'Hong Kong Dollar', 2), ('HUF', 'Forint', 2),
  ('INR', 'Indian Rupee', 2), ('JPY', 'Yen', 0), ('KES', 'Kenyan Shilling', 2),
  ('KRW', 'Won', 0), ('LSL', 'Loti', 2), ('MUR', 'Mauritius Rupee', 2), ('MZN', 'Mozambique Metical', 2),
  ('NAD', 'Namibia Dollar', 2), ('NGN', 'Naira', 2), ('NOK', 'Norwegian Krone', 2),
  ('NZD', 'New Zealand Dollar', 2), ('PLN', 'Zloty', 2), ('SEK', 'Swedish Krona', 2),
  ('SGD', 'Singapore Dollar', 2), ('SZL', 'Lilangeni', 2), ('TRY', 'Turkish Lira', 2),
  ('TZS', 'Tanzanian Shilling', 2), ('UGX', 'Uganda Shilling', 0), ('USD', 'US Dollar', 2),
  ('UZS', 'Uzbekistan Sum', 2), ('ZAR', 'Rand', 2), ('ZMW', 'Zambian Kwacha', 2);
COMMIT;
