"""Signals higher apps listen to, so that people never imports them."""

from django.dispatch import Signal

# Sent inside the recording transaction with person=…, record=PublicOfficeRecord, acting_user=….
# The councils app ends the person's memberships with the reason 公職 (C6.4(1)).
public_office_recorded = Signal()

# Sent before two records are merged, with keep=…, remove=…; a receiver that raises ValidationError refuses the merge
# (councils refuses when both records serve on the same council at the same time).
person_merging = Signal()

# Sent inside the transaction after a person's particulars changed (an edit, or a merge into this record), with
# person=…; councils recompute the findings of the councils the person serves (names, ages, occupations).
person_changed = Signal()

# Sent inside the transaction after the retention period anonymised persons (``actions.person_retention_apply``),
# with person_ids=[…]; apps that copied a person's particulars into their own rows clear those copies.
persons_anonymised = Signal()
