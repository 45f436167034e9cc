from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "liaison.network"
    verbose_name = _("地域安全ネットワーク")

    def ready(self):
        from .panels_referrals import register as register_referral_panel

        register_referral_panel()
        from . import panels

        panels.register()  # consenting contact persons not contacted for N days: stored findings and home panel
