"""What the scheduler finds due at an instant (jobs.scheduler.due, no process): tenant-local
hours, daylight-saving gaps and repeats, catch-up after downtime, configuration."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from jobs.scheduler import Schedule, Tenant, due, latest_slot, load_schedules, next_runs, next_slot

UTC = timezone.utc
BERLIN, JOBURG = ZoneInfo("Europe/Berlin"), ZoneInfo("Africa/Johannesburg")
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
INVOICE_RUN = Schedule("invoice-run", "0 2 * * *", per_tenant=True)
ZA = Tenant("za", "Africa/Johannesburg", LONG_AGO)
DE = Tenant("de", "Europe/Berlin", LONG_AGO)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_tenant_job_is_due_at_each_tenants_local_hour():
    # 00:30 UTC: 02:30 in Johannesburg (UTC+2) but 01:30 in Berlin (UTC+1 in winter).
    yesterday = {("invoice-run", "za"): at("2026-01-14 00:00+00:00"), ("invoice-run", "de"): at("2026-01-14 01:00+00:00")}
    runs = due([INVOICE_RUN], [ZA, DE], yesterday, at("2026-01-15 00:30+00:00"), LONG_AGO)
    assert [(r.tenant, r.as_of, r.slot) for r in runs] == [("za", date(2026, 1, 15), at("2026-01-15 00:00+00:00"))]
    runs = due([INVOICE_RUN], [ZA, DE], {**yesterday, ("invoice-run", "za"): at("2026-01-15 00:00+00:00")},
               at("2026-01-15 01:00+00:00"), LONG_AGO)
    assert [(r.tenant, r.slot) for r in runs] == [("de", at("2026-01-15 01:00+00:00"))]


def test_the_run_date_is_the_tenants_today_not_utcs():
    # 23:30 UTC on the 14th is 00:30 on the 15th in Johannesburg: a midnight job runs for the 15th.
    runs = due([Schedule("invoice-run", "0 0 * * *", True)], [ZA], {}, at("2026-01-14 23:30+00:00"), LONG_AGO)
    assert [(r.as_of, r.slot) for r in runs] == [(date(2026, 1, 15), at("2026-01-14 22:00+00:00"))]


def test_a_slot_already_run_is_not_due_again():
    now = at("2026-01-15 00:30+00:00")
    first = due([INVOICE_RUN], [ZA], {}, now, LONG_AGO)
    assert len(first) == 1
    assert due([INVOICE_RUN], [ZA], {("invoice-run", "za"): first[0].slot}, now, LONG_AGO) == []


def test_downtime_is_caught_up_once_dated_today():
    last = {("invoice-run", "za"): at("2026-01-10 00:00+00:00")}
    runs = due([INVOICE_RUN], [ZA], last, at("2026-01-15 09:00+00:00"), LONG_AGO)
    assert [(r.as_of, r.slot) for r in runs] == [(date(2026, 1, 15), at("2026-01-15 00:00+00:00"))]


def test_slots_before_a_tenant_existed_or_the_scheduler_started_are_not_due():
    new = Tenant("new", "Africa/Johannesburg", at("2026-01-15 08:00+00:00"))
    assert due([INVOICE_RUN], [new], {}, at("2026-01-15 09:00+00:00"), LONG_AGO) == []
    nightly = Schedule("ledger-check", "30 1 * * *", per_tenant=False)
    assert due([nightly], [], {}, at("2026-01-15 09:00+00:00"), at("2026-01-15 08:00+00:00")) == []
    runs = due([nightly], [], {}, at("2026-01-16 01:30+00:00"), at("2026-01-15 08:00+00:00"))
    assert [(r.tenant, r.as_of) for r in runs] == [(None, date(2026, 1, 16))]


def test_an_hour_skipped_by_daylight_saving_runs_once_at_the_next_valid_minute():
    # Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST (01:00 UTC). 02:30 never happens.
    schedule = Schedule("invoice-run", "30 2 * * *", True)
    assert latest_slot("30 2 * * *", BERLIN, at("2026-03-29 01:00+00:00")) == at("2026-03-29 01:00+00:00")
    assert due([schedule], [DE], {("invoice-run", "de"): at("2026-03-28 01:30+00:00")},
               at("2026-03-29 00:59+00:00"), LONG_AGO) == []
    runs = due([schedule], [DE], {("invoice-run", "de"): at("2026-03-28 01:30+00:00")},
               at("2026-03-29 01:00+00:00"), LONG_AGO)
    assert [(r.as_of, r.slot) for r in runs] == [(date(2026, 3, 29), at("2026-03-29 01:00+00:00"))]
    later = {("invoice-run", "de"): runs[0].slot}
    assert due([schedule], [DE], later, at("2026-03-29 10:00+00:00"), LONG_AGO) == []
    assert next_slot("30 2 * * *", BERLIN, at("2026-03-28 12:00+00:00")) == at("2026-03-29 01:00+00:00")


def test_an_hour_that_happens_twice_runs_once():
    # Berlin, 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:30 happens at 00:30 and 01:30 UTC.
    schedule = Schedule("invoice-run", "30 2 * * *", True)
    first = due([schedule], [DE], {("invoice-run", "de"): at("2026-10-24 00:30+00:00")},
                at("2026-10-25 00:31+00:00"), LONG_AGO)
    assert [r.slot for r in first] == [at("2026-10-25 00:30+00:00")]
    again = {("invoice-run", "de"): first[0].slot}
    assert due([schedule], [DE], again, at("2026-10-25 01:31+00:00"), LONG_AGO) == []
    assert next_slot("30 2 * * *", BERLIN, at("2026-10-25 01:00+00:00")) == at("2026-10-26 01:30+00:00")


def test_every_minute_and_next_runs():
    topup = Schedule("auto-topup", "* * * * *", per_tenant=False)
    started = at("2026-01-15 08:00:10+00:00")
    assert due([topup], [], {}, at("2026-01-15 08:00:50+00:00"), started) == []
    assert [r.slot for r in due([topup], [], {}, at("2026-01-15 08:01:00+00:00"), started)] == [at("2026-01-15 08:01+00:00")]
    assert next_runs([topup, INVOICE_RUN], [ZA, DE], at("2026-01-15 08:01:30+00:00")) == {
        "auto-topup": at("2026-01-15 08:02+00:00"), "invoice-run": at("2026-01-16 00:00+00:00")}
    assert next_runs([INVOICE_RUN], [], at("2026-01-15 08:01:30+00:00")) == {"invoice-run": None}


def test_schedules_come_from_the_environment():
    defaults = {s.job: (s.cron, s.per_tenant) for s in load_schedules({})}
    assert defaults == {"invoice-run": ("0 2 * * *", True), "invoice-overdue": ("0 3 * * *", True),
                        "dunning": ("0 4 * * *", True),
                        "auto-topup": ("* * * * *", False), "auto-pay": ("0 6 * * *", True),
                        "debit-order-mandates": ("*/15 * * * *", False), "debit-order-run": ("0 8 * * 1-6", True),
                        "ledger-check": ("30 1 * * *", False), "usage-import": ("*/5 * * * *", False),
                        "privacy-anonymise": ("45 1 * * *", False)}
    changed = load_schedules({"KASSA_SCHEDULE_INVOICE_RUN": "15 4 1 * *", "KASSA_SCHEDULE_AUTO_TOPUP": "off"})
    assert {s.job: s.cron for s in changed} == {"invoice-run": "15 4 1 * *", "invoice-overdue": "0 3 * * *",
                                                "dunning": "0 4 * * *", "auto-pay": "0 6 * * *",
                                                "debit-order-mandates": "*/15 * * * *",
                                                "debit-order-run": "0 8 * * 1-6",
                                                "ledger-check": "30 1 * * *", "usage-import": "*/5 * * * *",
                                                "privacy-anonymise": "45 1 * * *"}
    for bad in ("every day", "0 2 * *", "0 2 * * * *", "61 2 * * *"):
        with pytest.raises(ValueError, match="KASSA_SCHEDULE_LEDGER_CHECK: not a cron expression"):
            load_schedules({"KASSA_SCHEDULE_LEDGER_CHECK": bad})
