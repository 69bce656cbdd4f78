"""Segments as the networks count them (gateways/bulksms.py): GSM 7-bit texts take 160
characters in one SMS and 153 per part once split, extension characters two (never split); any
other character makes the text UCS-2: 70 units in one, 67 per part, an emoji two (kept whole)."""
from __future__ import annotations

import pytest

from gateways.bulksms import GSM_BASIC, GSM_EXTENSION, Segments, segments


def test_the_gsm_tables_are_complete():
    assert len(GSM_BASIC) == 127 and len(GSM_EXTENSION) == 10, "128 codes less the escape; 10 extension characters"


@pytest.mark.parametrize("text, expected", [
    ("", Segments("TEXT", 1)),
    ("a" * 160, Segments("TEXT", 1)),
    ("a" * 161, Segments("TEXT", 2)),
    ("a" * 306, Segments("TEXT", 2)),         # 2 × 153
    ("a" * 307, Segments("TEXT", 3)),
    ("Grüße, Bjørn: 5 Ä/Ö/Ü ß ñ à é" + "a" * 130, Segments("TEXT", 1)),  # accented letters GSM has: one each
    ("€" * 80, Segments("TEXT", 1)),          # 160 septets
    ("€" + "a" * 159, Segments("TEXT", 2)),   # 161 septets
    ("a" * 152 + "€" + "a" * 10, Segments("TEXT", 2)),  # the € does not fit in part one's last septet
    ("a" * 152 + "€" + "a" * 152, Segments("TEXT", 3)),  # ... so it moves whole, and part two overflows
    ("ç" * 70, Segments("UNICODE", 1)),       # ç (small) is not GSM: Ç is
    ("ç" * 71, Segments("UNICODE", 2)),
    ("ç" * 134, Segments("UNICODE", 2)),      # 2 × 67
    ("ç" * 135, Segments("UNICODE", 3)),
    ("😀" * 35, Segments("UNICODE", 1)),       # an emoji is two UTF-16 units: 70
    ("😀" + "a" * 69, Segments("UNICODE", 2)),
    ("a" * 66 + "😀" + "a" * 66, Segments("UNICODE", 3)),  # 134 units, but the emoji moves whole to part two
    ("R\xa01\xa0250,00", Segments("UNICODE", 1)),  # a non-breaking space is not GSM (render_sms replaces it)
])
def test_segments(text, expected):
    assert segments(text) == expected
