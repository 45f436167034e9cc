"""Signals other apps listen to, so that org never imports them (higher layers react, org does not call up)."""

from django.dispatch import Signal

# Sent inside the reorganisation's transaction with reorganisation=…, transfers=[KobanTransfer, …], acting_user=….
# Councils re-commission affected members for their remaining term under the new station chief (C6.2(2)).
kobans_transferred = Signal()

# Sent before a koban is closed, with koban=…; a receiver that raises ValidationError refuses the closing
# (councils refuses while an active council still covers the koban).
koban_closing = Signal()

# Sent inside the settings' transaction with settings=PrefectureSettings, changed=[field names], acting_user=….
# Councils recompute their stored findings when a warning limit changed (X4).
settings_changed = Signal()
