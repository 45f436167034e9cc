"""The network's URLs, one list per area (contact persons, referrals, exchanges, safety information, 地域安全の会,
the chief's view), so each area's screens are found beside its views."""

from . import urls_contacts, urls_exchanges, urls_figures, urls_info, urls_referrals, urls_safety_meetings

app_name = "network"
urlpatterns: list = [
    *urls_contacts.urlpatterns,
    *urls_referrals.urlpatterns,
    *urls_exchanges.urlpatterns,
    *urls_info.urlpatterns,
    *urls_safety_meetings.urlpatterns,
    *urls_figures.urlpatterns,
]
