"""Rotating the secrets of a stack: the payment-method key and the JWT signing key.

Both live in `$KASSA_HOME/state.json`; after a change the services that read them are
restarted (PostgREST gets a freshly written config). docs/security.md, "Rotating keys", is the
operator's side of this.

Payment-method key, crash-safe by ordering:
1. the new key is written to state.json as `payment_method_key_next` (the old stays current);
2. one database transaction re-encrypts every secret (internal.rotate_payment_method_key);
3. state.json makes the new key current and forgets the old;
4. the services restart with the new key.
A crash before 2 commits leaves the old key working everywhere; after it, the secrets are under
the key kept as `payment_method_key_next`. Either way `kassa payment-key rotate` run again
finishes the job: it sees the unfinished rotation and asks the database which key decrypts
the secrets. Until then a process holding the old key gets P0Y01 rather than storing a
secret under a key about to be forgotten.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bridge.claims import MAX_LIFETIME_S, key_id
from kassa.config import Settings

DEFAULT_OVERLAP_HOURS = 48  # longer than a token lives (24 h), so no valid token is cut off
KEY_READERS = ("postgrest", "bridge", "sse", "scheduler")  # the scheduler's jobs read the payment key


class Refused(RuntimeError):
    """A refusal `kassa` prints as one line."""


def restart_services(settings: Settings) -> list[str]:
    """Restarts the running services that read keys, so they read the current ones; their names."""
    from kassa import services
    home = Path(settings.home)
    running = [service for service in services.stack(settings) if service.name in KEY_READERS and service.pid(home)]
    services.stop_services(home, running)
    services.start_all(settings, running)
    return [service.name for service in running]


def rotate_payment_key(settings: Settings, new_key: str | None = None, old_key: str | None = None) -> int:
    """Moves every stored payment-method secret to `new_key` (generated when None); returns how
    many were re-encrypted. `old_key` defaults to the configured key."""
    import psycopg
    old_key = old_key or settings.payment_method_key
    resuming = bool(settings.payment_method_key_next)
    if resuming and new_key and new_key != settings.payment_method_key_next:
        raise Refused("a rotation to another key is unfinished; fix: run `kassa payment-key rotate` "
                        "without --new-key to finish it first")
    new_key = settings.payment_method_key_next or new_key or secrets.token_hex(32)
    settings.payment_method_key_next = new_key
    settings.save()
    try:
        with psycopg.connect(settings.database_url) as conn:
            if resuming and conn.execute("SELECT internal.payment_method_key_decrypts_all(%s)",
                                         [new_key]).fetchone()[0]:
                count = 0  # the earlier run committed; only the configuration is left to finish
            else:
                count = conn.execute("SELECT internal.rotate_payment_method_key(%s, %s)",
                                     [old_key, new_key]).fetchone()[0]
    except psycopg.Error as error:
        if not (error.sqlstate or "").startswith("P0Y"):
            raise
        if not resuming:  # nothing changed: forget the key this run chose
            settings.payment_method_key_next = ""
            settings.save()
        fix = ("pass the key the secrets are stored under as --old-key" if error.sqlstate == "P0Y01"
               else "choose another --new-key")
        raise Refused(f"{error.diag.message_primary}; nothing changed; fix: {fix}") from error
    settings.payment_method_key, settings.payment_method_key_next = new_key, ""
    settings.save()
    return count


def rotate_jwt_secret(settings: Settings, overlap_hours: float = DEFAULT_OVERLAP_HOURS,
                      now: datetime | None = None) -> dict:
    """A new signing secret; the current one stays accepted for `overlap_hours`. Previous keys
    whose overlap has ended are dropped on the way."""
    if overlap_hours * 3600 < MAX_LIFETIME_S:
        raise Refused(f"--overlap-hours {overlap_hours:g} is shorter than a token lives "
                        f"({MAX_LIFETIME_S // 3600} h): tokens signed just before would stop working; "
                        "fix: give at least 24, or use `kassa jwt-key retire --all` after a leak")
    now = now or datetime.now(timezone.utc)
    retire_after = (now + timedelta(hours=overlap_hours)).isoformat(timespec="seconds")
    retire_keys(settings, now=now)
    settings.jwt_previous_keys.insert(0, {"secret": settings.jwt_secret, "retire_after": retire_after})
    previous_kid = key_id(settings.jwt_secret)
    settings.jwt_secret = secrets.token_urlsafe(48)
    settings.save()
    return {"kid": key_id(settings.jwt_secret), "previous_kid": previous_kid, "previous_until": retire_after}


def retire_keys(settings: Settings, every: bool = False, now: datetime | None = None) -> list[str]:
    """Drops the previous JWT keys whose overlap has ended (all of them with `every`); their kids."""
    now = now or datetime.now(timezone.utc)
    retired = [key for key in settings.jwt_previous_keys
               if every or datetime.fromisoformat(key["retire_after"]) <= now]
    settings.jwt_previous_keys = [key for key in settings.jwt_previous_keys if key not in retired]
    settings.save()
    return [key_id(key["secret"]) for key in retired]


def jwt_key_list(settings: Settings) -> list[dict]:
    """Each accepted key: its kid, whether it signs, until when it is accepted."""
    return [{"kid": key_id(settings.jwt_secret), "signs": True, "accepted_until": None},
            *({"kid": key_id(key["secret"]), "signs": False, "accepted_until": key["retire_after"]}
              for key in settings.jwt_previous_keys)]
