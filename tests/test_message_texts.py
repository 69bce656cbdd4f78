"""What a usage cap warning says, by e-mail and SMS, in English and German: the percentage, the
period's dates written out, and data in GB, time in whole minutes (rounded up) as people read
them."""
from __future__ import annotations

import pytest

from bridge import messages


def warning(locale: str, used: int, cap: int, unit: str) -> messages.Event:
    return messages.Event("usage_cap_warning", {
        "service_id": "9b2c6c1e-0000-4000-8000-000000000001", "percent": 80, "used": used, "cap": cap, "unit": unit,
        "period_start": "2026-11-01", "period_end": "2026-11-30", "customer_name": "Thandi Mokoena",
        "account_number": "ACC-0001"}, locale, "Fibre Co", None)


def test_a_data_cap_warning_in_english_and_german():
    english = messages.render(warning("en_ZA", 80_500_000_000, 100_000_000_000, "bytes"), "http://bridge")
    assert english.subject == "You have used 80 % of your plan's cap"
    assert "From 01 November 2026 to 30 November 2026 you have used 80,5 GB of the 100 GB" in english.text
    german = messages.render_sms(warning("de_DE", 80_500_000_000, 100_000_000_000, "bytes"))
    assert german == "Fibre Co: Sie haben 80 % Ihres Tarifvolumens verbraucht (80,5 GB von 100 GB)."


def test_minutes_are_rounded_up_and_units_counted():
    assert "(61 min of 100 min)" in messages.render_sms(warning("en", 3_601, 6_000, "seconds"))
    assert "(1,200 units of 1,500 units)" in messages.render_sms(warning("en", 1_200, 1_500, "units"))


def test_a_quantity_that_is_not_a_whole_number_is_refused():
    with pytest.raises(ValueError, match="whole number"):
        messages.render(warning("en", 1.5, 100, "units"), "http://bridge")
