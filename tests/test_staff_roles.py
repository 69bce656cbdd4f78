"""Staff roles over real HTTP (docs/api.md, "Staff roles"): `kassa staff` and `kassa token
--staff-user`, each role's powers checked by PostgREST's request check and by the bridge, a
demotion ending the tokens issued before it, staff users kept by admins, the last admin kept."""
from __future__ import annotations

import subprocess
import sys

import requests

from kassa.config import ROOT
from kassa.tokens import make_token


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


# A value of each argument type an RPC takes, to get past PostgREST's function lookup to the
# request check (what the value means does not matter: the check runs before the function).
DUMMY = {"uuid": "00000000-0000-4000-8000-000000000000", "text": "x", "bigint": 1, "integer": 1, "numeric": 1,
         "date": "2026-01-01", "boolean": False, "jsonb": {}, "json": {}, "timestamp with time zone": "2026-01-01T00:00:00Z",
         "text[]": ["x"], "integer[]": [1], "uuid[]": ["00000000-0000-4000-8000-000000000000"], "time without time zone": "08:00"}


def test_every_role_and_action_over_http(settings, api, tenant, db):
    """Each staff role against each RPC and writable view of the matrix, through PostgREST: the
    request check refuses exactly the roles the matrix leaves out, with its message."""
    tokens = {}
    for role in ("billing", "support", "viewer"):
        staff_user = db.execute("INSERT INTO kassa.staff_users (tenant_id, email, name, role) VALUES (%s, %s, %s, %s)"
                                " RETURNING id::text", [tenant["id"], f"{role}@example.com", role, role]).fetchone()["id"]
        tokens[role] = make_token(settings.jwt_secret, "staff", str(tenant["id"]), staff_user=(staff_user, role))
    functions = {row["proname"]: row["args"] for row in db.execute(
        "SELECT p.proname, coalesce(jsonb_object_agg(a.name, format_type(a.type, NULL))"
        "                            FILTER (WHERE a.n <= p.pronargs - p.pronargdefaults), '{}') AS args"
        "  FROM pg_proc p LEFT JOIN LATERAL unnest(p.proargnames, p.proargtypes::oid[]) WITH ORDINALITY a (name, type, n) ON true"
        " WHERE p.pronamespace = 'api'::regnamespace GROUP BY p.proname, p.pronargs, p.pronargdefaults")}
    wrong = []
    for row in db.execute("SELECT action, roles FROM internal.staff_role_matrix() WHERE action NOT LIKE 'bridge/%'"):
        kind, name = row["action"].split("/", 1)
        for role, token in tokens.items():
            caller = api(token)
            if kind == "rpc":
                answer = caller.post(f"/rpc/{name}", json={arg: DUMMY[type_] for arg, type_ in functions[name].items()})
            else:
                answer = caller.delete(f"/{name}?tenant_id=eq.00000000-0000-4000-8000-000000000000")
            refused = answer.status_code == 403 and "may not" in answer.json().get("message", "")
            if refused == (role in row["roles"]):
                wrong.append(f"{role} {row['action']}: HTTP {answer.status_code} {answer.text[:120]}")
    assert wrong == []
