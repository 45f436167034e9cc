"""What org does when a lower layer reports something (access sends signals, so that it never imports org)."""

from django.dispatch import receiver

from liaison.access.signals import password_changed

from . import actions


@receiver(password_changed)
def _password_changed(sender, user, **kwargs):
    actions.officer_password_changed(acting_user=user)
