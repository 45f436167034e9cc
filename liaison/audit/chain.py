"""The hash chain that makes a rewritten, deleted or truncated audit entry show (X2).

Each entry stores the hash of the entry before it (``previous_hash``) and its own ``hash``: SHA-256 over a canonical
serialisation of its fields, its sequence number and that previous hash. Rewriting an entry breaks its own hash;
removing one breaks the link of the entry after it (and leaves a gap in the sequence); removing the newest ones leaves
the chain head (count and last hash, kept in its own row) pointing past the end.

The serialisation below is frozen: every stored hash depends on it, so changing it would make the whole log look
rewritten. A new field of AuditEntry is not part of the hash unless a new chain version is introduced for it.
"""

import datetime
import hashlib
import ipaddress
import json

GENESIS = "0" * 64  # the "previous hash" of the first entry
HASHED_FIELDS = (
    "seq",
    "at",
    "user_id",
    "user_label",
    "kind",
    "action",
    "summary",
    "object_type",
    "object_id",
    "object_label",
    "station_id",
    "personal_data",
    "ip_address",
    "detail",
)


def _normal_ip(value: str | None) -> str | None:
    # PostgreSQL's inet writes some addresses differently from the string stored (::ffff:10.0.0.1), so both sides
    # hash the address in Python's own compressed form.
    if not value:
        return None
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return str(value)


def _normal_at(value: datetime.datetime) -> str:
    # The databases keep microseconds; the hash keeps the instant in UTC, whatever zone the value was read in.
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _normal_json(value):
    # PostgreSQL's jsonb gives 1e20 back as the integer 100000000000000000000, so a whole float is hashed as an int.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _normal_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal_json(v) for v in value]
    return value


def canonical(values: dict, previous_hash: str) -> bytes:
    """The bytes that are hashed: the entry's fields (``HASHED_FIELDS``) and the previous hash, as sorted JSON."""
    data = {name: values[name] for name in HASHED_FIELDS}
    data["at"] = _normal_at(data["at"])
    data["ip_address"] = _normal_ip(data["ip_address"])
    # JSON read back from the database may come with its keys in another order; sort_keys makes that not matter.
    data["detail"] = _normal_json(json.loads(json.dumps(data["detail"] or {})))
    data["previous_hash"] = previous_hash
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(values: dict, previous_hash: str) -> str:
    """SHA-256 (hex) of one entry chained on ``previous_hash``."""
    return hashlib.sha256(canonical(values, previous_hash)).hexdigest()


def values_of(entry) -> dict:
    """The hashed fields of a model instance (current or historical model) as plain values."""
    return {name: getattr(entry, name) for name in HASHED_FIELDS}
