"""The login backend: Django's model backend, which also reads the user's officer record with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class OfficerModelBackend(ModelBackend):
    """Django's ``ModelBackend`` whose per-request user comes with their officer record and what the page header
    names (station, koban or section, HQ division): every page reads them through ``policy.officer_of``, which
    would otherwise cost a query for the officer and one or two for the header. Passwords are checked as before."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related(
            "officer", "officer__station", "officer__koban", "officer__section", "officer__hq_division"
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
