"""Signals higher apps listen to, so that meetings never imports them (higher layers react, meetings does not call up)."""

from django.dispatch import Signal

# Sent inside the action's transaction with meeting=Meeting when a meeting is held or its date changes, the facts
# the reports app's finding "Form 3 not submitted N days after the meeting" (C11.2) reads.
meeting_changed = Signal()
