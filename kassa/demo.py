"""The demo data `make up` loads (db/demo.sql): the ids the CLI and the tests refer to, here once."""
from __future__ import annotations

LEKKER_FIBRE = "11111111-1111-4111-8111-111111111111"       # tenant, ZA
RHEINWELLE = "22222222-2222-4222-8222-222222222222"         # tenant, DE
LEKKER_FIRST_CUSTOMER = "a1111111-0000-4000-8000-000000000001"
KAROO_COFFEE = "a1111111-0000-4000-8000-000000000002"       # Lekker Fibre's business customer
SCHMIDT_LOGISTIK = "b2222222-0000-4000-8000-000000000001"   # Rheinwelle's business customer
SAMARKAND_TOURS = "33333333-3333-4333-8333-333333333333"   # tenant, UZ: pays through OCTO
SAMARKAND_FIRST_CUSTOMER = "c3333333-0000-4000-8000-000000000001"

# The demo customer's portal login (db/demo.sql holds its password's hash).
PORTAL_LOGIN = {"tenant": "lekker-fibre", "email": "thandi@example.co.za", "password": "kassa-demo-portal"}

# What `make up` prints a staff and a customer token for: tenant label -> (tenant, customer,
# customer label). The customers are those whose full invoices the demo issues (docs/documents.md,
# "Try it"), and the one with Samarkand's open invoice.
TOKENS = {
    "Lekker Fibre (ZA)": (LEKKER_FIBRE, KAROO_COFFEE, "Karoo Coffee CC, full tax invoice"),
    "Rheinwelle Telekom (DE)": (RHEINWELLE, SCHMIDT_LOGISTIK, "Schmidt Logistik GmbH, full invoice"),
    "Samarkand Tours (UZ)": (SAMARKAND_TOURS, SAMARKAND_FIRST_CUSTOMER, "Emma Walker"),
}
