-- Poison inputs: one way to check what callers send, before any arithmetic or insert, with a
-- code that names the field (the constraints of the poison_input_limits migration are the
-- last line of defence behind these).

-- Blank: empty, or only white space of any kind (btrim strips only " "). [[:space:]] covers
-- the ASCII space characters; the Unicode spaces are listed, as in the *_not_blank constraints.
CREATE OR REPLACE FUNCTION internal.is_blank(p_text text) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT p_text IS NULL OR p_text !~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'
$$;

-- A text a caller supplies: required (not blank) unless p_required is false, and at most
-- p_max characters. p_what names the field in the message.
CREATE OR REPLACE FUNCTION internal.check_text(p_text text, p_what text, p_max integer, p_required boolean DEFAULT true)
RETURNS void LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
  IF p_required AND internal.is_blank(p_text) THEN
    PERFORM internal.raise_error('P0V03', format('%s is required and cannot be blank', p_what), NULL,
      'White space alone (spaces, tabs, new lines, non-breaking spaces) does not count.');
  END IF;
  IF char_length(p_text) > p_max THEN
    PERFORM internal.raise_error('P0V04', format('%s is too long: %s characters, at most %s', p_what,
                                                 char_length(p_text), p_max));
  END IF;
END $$;

-- The text columns a caller writes on a table, checked as internal.check_text does, by a trigger
-- whose arguments come in fours: the column, its name in the message, its maximum length, and
-- 'required' or 'optional'.
CREATE OR REPLACE FUNCTION internal.check_text_columns() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  written jsonb := to_jsonb(NEW);
BEGIN
  FOR i IN 0 .. TG_NARGS - 1 BY 4 LOOP
    PERFORM internal.check_text(written ->> TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[i + 2]::integer,
                                TG_ARGV[i + 3] = 'required');
  END LOOP;
  RETURN NEW;
END $$;

-- A number a caller supplies: NaN and ±Infinity are refused (NaN > 0 is true in PostgreSQL).
CREATE OR REPLACE FUNCTION internal.check_finite(p_value numeric, p_what text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
  IF p_value IN ('NaN', 'Infinity', '-Infinity') THEN
    PERFORM internal.raise_error('P0V01', format('%s must be a finite number, not %s', p_what, p_value));
  END IF;
END $$;

-- A business date a caller supplies (an effective, issue, valid-from or period date): within
-- the tenant's window around its today, date_window_back_days before to
-- date_window_forward_days after (90 and 366 unless the tenant says otherwise), so a typo
-- such as 0026 for 2026 cannot bill two millennia. NULL (the default: today) passes. Dates
-- the system computes (the invoice run's --as-of catching up) are not checked.
CREATE OR REPLACE FUNCTION internal.check_business_date(p_tenant uuid, p_date date, p_what text) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  today    date := internal.tenant_today(p_tenant);
  earliest date;
  latest   date;
BEGIN
  SELECT today - t.date_window_back_days, today + t.date_window_forward_days INTO earliest, latest
    FROM kassa.tenants t WHERE t.id = p_tenant;
  IF p_date NOT BETWEEN earliest AND latest THEN
    PERFORM internal.raise_error('P0V02', format('%s %s is outside the allowed window %s to %s', p_what,
                                                 p_date, earliest, latest), NULL,
      'Dates may lie date_window_back_days before to date_window_forward_days after today (/billing_settings).');
  END IF;
END $$;

-- A locale (customers, tenants): a language of the payment pages and messages, en or de, with
-- an optional region for formats (en_ZA, de_DE). NULL passes (a customer without a locale
-- has the tenant's).
CREATE OR REPLACE FUNCTION internal.check_locale(p_locale text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
  IF p_locale !~ '^(en|de)(_[A-Z]{2})?$' THEN
    PERFORM internal.raise_error('P0H09', format('unknown locale "%s"', left(p_locale, 40)),
      hint => 'Kassa speaks en and de, optionally with a region for formats: en, en_ZA, de, de_DE.');
  END IF;
END $$;

GRANT EXECUTE ON FUNCTION internal.is_blank(text), internal.check_text(text, text, integer, boolean),
  internal.check_finite(numeric, text), internal.check_business_date(uuid, date, text),
  internal.check_locale(text)
  TO customer, staff;
