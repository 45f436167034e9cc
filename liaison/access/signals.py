"""Signals other apps listen to, so that access never imports them (the audit app sits above it)."""

from django.dispatch import Signal

# Sent by ``get_visible_or_404`` when the object looked up exists but this user may not see it (another station's
# record), with user=…, obj=…. The request ends in a 404 that looks like a missing object; the audit log records it.
hidden_object_requested = Signal()

# Sent by the password change page after the user changed their own password, with user=… and required=… (True
# when it was the change forced after an administrator set the password). Audited; org ends the forced state.
password_changed = Signal()

# Sent by the login throttle (``actions``), audited by the audit app: a failure started a wait (throttle=the
# LoginThrottle row); an attempt was refused unchecked while one ran (refusal=throttle.Refusal, username=…,
# address=…); an HQ administrator ended one (throttle=the row as it was, acting_user=…).
login_throttled = Signal()
login_refused = Signal()
login_throttle_cleared = Signal()
# The second factor (second_factor.py, actions.py), each with user=…:
# enrolled in a TOTP app (recovery codes made with it);
second_factor_enrolled = Signal()
# made new recovery codes (the old ones stop working);
recovery_codes_made = Signal()
# gave a right code, with method="totp" or "recovery" (a recovery code is then used up), and left=… recovery codes;
second_factor_passed = Signal()
# gave a wrong code, with method=…;
second_factor_failed = Signal()
# tried again too soon after wrong codes and was refused without the code being checked, with until=… (a datetime).
second_factor_throttled = Signal()
