"""Walking the audit hash chain (``manage.py verify_audit``): the first broken or missing link, or that all is well."""

from dataclasses import dataclass

from .chain import GENESIS, entry_hash, values_of
from .models import AuditChainHead, AuditEntry


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold: ``kind`` names what happened, ``entry_id`` where (if at an entry)."""

    kind: str  # "rewritten" | "missing" | "truncated" | "head_missing"
    entry_id: int | None
    message: str


@dataclass(frozen=True)
class Verdict:
    count: int
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_chain(chunk_size: int = 2000) -> Verdict:
    """Walk every entry in chain order with flat memory; stop at the first break."""
    previous, expected_seq, count = GENESIS, 1, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq or entry.previous_hash != previous:
            missing = (
                f"entries {expected_seq}–{entry.seq - 1} of the chain are missing"
                if entry.seq > expected_seq
                else "its previous_hash does not match the entry before it"
            )
            return Verdict(
                count,
                Break("missing", entry.pk, f"entry {entry.pk} (no. {entry.seq}): {missing}; deleted before it"),
            )
        if entry_hash(values_of(entry), entry.previous_hash) != entry.hash:
            return Verdict(
                count,
                Break("rewritten", entry.pk, f"entry {entry.pk} (no. {entry.seq}): hash mismatch; it was rewritten"),
            )
        previous, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:  # migrations (and a deliberate flush) create it; nothing else removes it
        return Verdict(count, Break("head_missing", None, "the chain head is missing; it was deleted"))
    if head.count != count or head.last_hash != previous:
        return Verdict(
            count,
            Break(
                "truncated",
                None,
                f"the chain head says {head.count} entries, {count} found; "
                "the newest entries were deleted or the table truncated",
            ),
        )
    return Verdict(count, None)
