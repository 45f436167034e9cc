from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class NetworkConfig(AppConfig):
    name = "liaison.network"
    verbose_name = _("地域安全ネットワーク")

    def ready(self):
        from liaison.people import retention as people_retention
        from liaison.people.signals import persons_anonymised

        from . import hooks_contacts, panels, retention, sections
        from .panels_referrals import register as register_referral_panel

        # The referrer's outcomes and 地域課's pending referrals on the home page (N2.3).
        register_referral_panel()
        # Consenting contact persons not contacted for N days: stored findings and their home panel (N4.4).
        panels.register()
        # The person page's section, the picker's roles and the koban ties of contact persons.
        hooks_contacts.connect()
        # Contact persons and referred candidates are kept until the retention period after their last step (APPI).
        people_retention.register("network.contacts", retention.contacts_holding_since)
        people_retention.register("network.referrals", retention.referrals_holding_since)
        persons_anonymised.connect(retention.clear_copied_particulars, dispatch_uid="network.retention")
        # The latest exchanges with a contact person, on their page (N3.1ア).
        sections.register(
            gettext_noop("最近の情報交換"), "network/exchanges/_contact_exchanges.html", _no_context, order=10
        )


def _no_context(request, contact) -> dict:
    return {}  # the section reads its rows itself (the contact_exchanges tag)
