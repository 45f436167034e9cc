from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "liaison.network"
    verbose_name = _("地域安全ネットワーク")

    def ready(self):
        from . import hooks_contacts

        hooks_contacts.connect()  # the person page's section, the picker's roles and the koban ties of contact persons
