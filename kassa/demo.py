"""The demo data `make up` loads (db/demo.sql): the ids the CLI and the tests refer to, here once."""
from __future__ import annotations

LEKKER_FIBRE = "11111111-1111-4111-8111-111111111111"       # tenant, ZA
RHEINWELLE = "22222222-2222-4222-8222-222222222222"         # tenant, DE
LEKKER_FIRST_CUSTOMER = "a1111111-0000-4000-8000-000000000001"
KAROO_COFFEE = "a1111111-0000-4000-8000-000000000002"       # Lekker Fibre's business customer
RHEINWELLE_FIRST_CUSTOMER = "b2222222-0000-4000-8000-000000000001"
SAMARKAND_TOURS = "33333333-3333-4333-8333-333333333333"   # tenant, UZ: pays through OCTO
SAMARKAND_FIRST_CUSTOMER = "c3333333-0000-4000-8000-000000000001"

# What `make up` prints a staff and a customer token for: label -> (tenant, customer).
TOKENS = {
    "Lekker Fibre (ZA)": (LEKKER_FIBRE, LEKKER_FIRST_CUSTOMER),
    "Rheinwelle Telekom (DE)": (RHEINWELLE, RHEINWELLE_FIRST_CUSTOMER),
    "Samarkand Tours (UZ)": (SAMARKAND_TOURS, SAMARKAND_FIRST_CUSTOMER),
}
