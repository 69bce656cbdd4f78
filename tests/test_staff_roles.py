"""Staff roles over real HTTP (docs/api.md, "Staff roles"): `kassa staff` and `kassa token
--staff-user`, each role's powers checked by PostgREST's request check and by the bridge, a
demotion ending the tokens issued before it, staff users kept by admins, the last admin kept."""
from __future__ import annotations

import subprocess
import sys

import requests

from kassa.config import ROOT


def kassa(settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kassa.cli", *args], env={"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60)


def add_staff(settings, tenant: dict, email: str, role: str) -> str:
    added = kassa(settings, "staff", "add", "--tenant", str(tenant["id"]), "--email", email, "--name", email, "--role", role)
    assert added.returncode == 0, added.stderr
    return added.stdout.split()[0]


def staff_token(settings, tenant: dict, staff_user: str) -> str:
    issued = kassa(settings, "token", "--role", "staff", "--tenant", str(tenant["id"]), "--staff-user", staff_user)
    assert issued.returncode == 0, issued.stderr
    return issued.stdout.strip()


def test_each_role_may_do_what_the_matrix_says(settings, api, tenant, customer):
    support = api(staff_token(settings, tenant, add_staff(settings, tenant, "sue@example.com", "support")))
    viewer = api(staff_token(settings, tenant, add_staff(settings, tenant, "vic@example.com", "viewer")))
    billing = api(staff_token(settings, tenant, add_staff(settings, tenant, "bill@example.com", "billing")))

    refused = support.rpc("create_invoice", customer_id=str(customer["id"]))
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "42501"
    assert refused.json()["message"] == "the staff role support may not rpc/create_invoice"
    assert "admin, billing" in refused.json()["hint"]
    made = billing.rpc("create_invoice", customer_id=str(customer["id"]))
    assert made.status_code == 200, made.text

    changed = support.patch(f"/customers?id=eq.{customer['id']}", json={"phone": "+27821234567"})
    assert changed.status_code == 204, changed.text
    assert billing.patch(f"/customers?id=eq.{customer['id']}", json={"phone": "+27820000000"}).status_code == 403
    assert viewer.get(f"/customers?id=eq.{customer['id']}&select=phone").json() == [{"phone": "+27821234567"}]
    assert viewer.patch(f"/vat_rates?category=eq.standard", json={"rate": 16}).status_code == 403
    assert viewer.post("/rpc/statement", json={"customer_id": str(customer["id"])}).status_code == 200


def test_a_demotion_ends_the_users_tokens_at_the_next_request(settings, api, tenant):
    staff_user = add_staff(settings, tenant, "dem@example.com", "billing")
    before = api(staff_token(settings, tenant, staff_user))
    assert before.get("/invoices").status_code == 200
    demoted = kassa(settings, "staff", "set-role", "--tenant", str(tenant["id"]), staff_user, "--role", "viewer")
    assert demoted.returncode == 0 and "viewer" in demoted.stdout, demoted.stderr
    ended = before.get("/invoices")
    assert ended.status_code == 403, ended.text
    assert "no longer has this role" in ended.json()["message"]
    assert api(staff_token(settings, tenant, staff_user)).get("/invoices").status_code == 200, "a new token reads"
    assert kassa(settings, "staff", "disable", "--tenant", str(tenant["id"]), staff_user).returncode == 0
    assert "no active staff user" in kassa(settings, "token", "--role", "staff", "--tenant", str(tenant["id"]),
                                           "--staff-user", staff_user).stderr


def test_admins_keep_staff_users_and_the_tenant_keeps_an_admin(settings, api, token, tenant, db):
    admin_id = add_staff(settings, tenant, "ada@example.com", "admin")
    admin = api(staff_token(settings, tenant, admin_id))
    added = admin.post("/staff_users", json={"email": "new@example.com", "name": "New", "role": "support"},
                       headers={"Prefer": "return=representation"})
    assert added.status_code == 201, added.text
    new = added.json()[0]
    assert (new["tenant_id"], new["role"], new["status"]) == (str(tenant["id"]), "support", "active")
    assert api(staff_token(settings, tenant, new["id"])).post(
        "/staff_users", json={"email": "x@example.com", "name": "X"}).status_code == 403, "only admins add staff"
    last = admin.patch(f"/staff_users?id=eq.{admin_id}", json={"role": "viewer"})
    assert last.status_code == 400 and last.json()["code"] == "P0K11", last.text
    assert db.execute("SELECT role FROM kassa.staff_users WHERE id = %s", [admin_id]).fetchone()["role"] == "admin"
    audit = db.execute("SELECT actor_sub FROM audit.log WHERE table_name = 'kassa.staff_users' AND row_key ->> 'id' = %s",
                       [new["id"]]).fetchone()
    assert audit["actor_sub"] == f"staff:{admin_id}"
    other = api(token("staff", db.execute("SELECT id FROM kassa.tenants WHERE id <> %s AND status = 'active' LIMIT 1",
                                          [tenant["id"]]).fetchone()["id"]))
    assert all(row["tenant_id"] != str(tenant["id"]) for row in other.get("/staff_users").json())


def test_the_bridge_holds_its_staff_actions_to_the_matrix(settings, tenant):
    support = staff_token(settings, tenant, add_staff(settings, tenant, "sup@example.com", "support"))
    refused = requests.post(f"{settings.bridge_url}/refunds", timeout=30, headers={"Authorization": f"Bearer {support}"},
                            json={"payment_id": "00000000-0000-4000-8000-000000000000", "amount": 100,
                                  "request_id": "r1", "reason": "test"})
    assert refused.status_code == 403, refused.text
    assert refused.json()["message"] == "the staff role support may not bridge/refunds"


def test_bad_staff_commands_say_why(settings, tenant):
    add_staff(settings, tenant, "dup@example.com", "viewer")
    again = kassa(settings, "staff", "add", "--tenant", str(tenant["id"]), "--email", "dup@example.com", "--name", "D",
                  "--role", "viewer")
    assert again.returncode == 1 and "already has a staff user dup@example.com" in again.stderr
    bad = kassa(settings, "staff", "add", "--tenant", str(tenant["id"]), "--email", "not-an-email", "--name", "D",
                "--role", "viewer")
    assert bad.returncode == 1 and "staff_users_email_format" in bad.stderr
    missing = kassa(settings, "staff", "set-role", "--tenant", str(tenant["id"]), "00000000-0000-4000-8000-000000000000",
                    "--role", "admin")
    assert missing.returncode == 1 and "no staff user" in missing.stderr


def test_the_docs_matrix_is_the_databases(db):
    """docs/api.md's table of the staff roles, row for row, is internal.staff_role_matrix()."""
    text = (ROOT / "docs" / "api.md").read_text()
    table = text[text.index("<!-- staff role matrix"):].split("\n\n")[0].splitlines()[3:]
    documented = {}
    for row in table:
        action, *marks = [cell.strip() for cell in row.strip("|").split("|")]
        documented[action.strip("`")] = {role for role, mark in zip(("admin", "billing", "support", "viewer"), marks)
                                         if mark == "yes"}
    matrix = {row["action"]: set(row["roles"]) for row in db.execute("SELECT action, roles FROM internal.staff_role_matrix()")}
    assert documented == matrix
