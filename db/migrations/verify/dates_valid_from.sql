SELECT 1 / (NOT EXISTS (SELECT FROM information_schema.columns
                         WHERE table_schema = 'kassa' AND table_name = 'price_versions'
                           AND column_name = 'valid_from' AND column_default IS NOT NULL))::int;
