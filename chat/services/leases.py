"""Workers' leases: a PostgreSQL advisory lock each Celery worker holds for its life
(chat/services/claims.py takes it). Who holds one is alive; the sweeps read them here."""

from django.db import connection

# The first key of the two-key advisory locks: ours, apart from any other use of them.
LOCK_SPACE = 0x786C6174  # "xlat"


def live_lease_keys() -> list[int]:
    """The keys of the leases live workers hold now (none off PostgreSQL)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = %s::oid AND objsubid = 2",
            [LOCK_SPACE],
        )
        return [row[0] for row in cursor.fetchall()]
