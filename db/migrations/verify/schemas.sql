SELECT 'kassa'::regnamespace, 'audit'::regnamespace;
