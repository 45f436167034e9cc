"""The community safety network's main pages (issue 10) on the demo's 青葉警察署, for the axe and tablet checks."""

from django.urls import reverse

from liaison.network.models import ContactPerson, SafetyInfo
from liaison.org.models import Koban, Station


def network_pages() -> dict[str, str]:
    """Name → path: the contact list and a consenting contact person of 一番町交番 (the demo koban, so its officers
    open it too), the referral queue, the exchange list and form, the safety information list and the station's own
    item (the one with an e-mail distribution), the 地域安全の会 list and the chief's view."""
    station = Station.objects.get(name="青葉警察署")
    koban = Koban.objects.get(station=station, name="一番町交番")
    contact = (
        ContactPerson.objects.filter(station=station, koban=koban, consent=ContactPerson.Consent.CONSENTED)
        .order_by("pk")
        .first()
    )
    item = (
        SafetyInfo.objects.filter(publisher_station=station, distributions__isnull=False)
        .exclude(title__startswith="【転送】")
        .order_by("pk")
        .first()
    )
    return {
        "contact list": reverse("network:contact_list"),
        "contact page": reverse("network:contact_detail", args=[contact.pk]),
        "referral queue": reverse("network:referral_list"),
        "exchange list": reverse("network:exchange_list"),
        "exchange form": reverse("network:exchange_create"),
        "safety information list": reverse("network:info_list"),
        "safety information page": reverse("network:info_detail", args=[item.pk]),
        "地域安全の会 list": reverse("network:safety_meeting_list"),
        "chief's view": reverse("network:figures"),
    }
