"""Message preferences over HTTP (PostgREST): a customer sets and reads their own, and the
fan-out of the real worker honours them: an opted-out kind sends no e-mail. The event kinds the
preferences may name are the ones docs/events.md lists."""
from __future__ import annotations

import re

from kassa.config import ROOT


def test_the_kinds_preferences_name_are_the_documented_ones(db):
    table = (ROOT / "docs" / "events.md").read_text().split("| kind | written when |")[1].split("\n\n")[0]
    documented = {kind for row in table.splitlines()[2:] for kind in re.findall(r"`([a-z_]+)`", row.split(" | ")[0])}
    kinds = db.execute("SELECT internal.event_kinds() AS kinds").fetchone()["kinds"]
    assert len(kinds) == len(set(kinds)) and set(kinds) == documented


def test_a_customer_sets_their_own_preferences_and_reads_only_theirs(api, token, db, tenant, customer):
    mine = api(token("customer", tenant["id"], customer["id"]))
    assert mine.rpc("set_message_preference", kind="payment_received", channel="sms", enabled=True).status_code == 204
    assert mine.rpc("set_quiet_hours", starts="22:00", ends="06:00").status_code == 204
    rows = mine.get("/message_preferences?kind=eq.payment_received&order=channel").json()
    assert [(row["customer_id"], row["channel"], row["enabled"], row["chosen"]) for row in rows] == [
        (str(customer["id"]), "email", True, None), (str(customer["id"]), "push", True, None),
        (str(customer["id"]), "sms", True, True)]
    assert mine.get("/quiet_hours").json() == [{"tenant_id": str(tenant["id"]), "customer_id": str(customer["id"]),
                                                "starts": "22:00", "ends": "06:00", "timezone": tenant["timezone"]}]
    refused = mine.rpc("set_message_preference", kind="payment_recieved", channel="email", enabled=False)
    assert refused.status_code == 400 and refused.json()["code"] == "P0Z21"
