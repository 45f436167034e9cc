"""What every page's shell needs: the prefecture, the officer and the navigation for their role."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from liaison.access.permissions import Perm
from liaison.access.policy import officer_of, permissions_of
from liaison.notify.models import Notification
from liaison.org.models import PrefectureSettings

# (label, url name, permission needed). The first matching permission shows the item; order is screen order.
# Labels are lazy: they are translated into the language of the page being rendered.
NAVIGATION = [
    (pgettext_lazy("navigation", "ホーム"), "home", None),
    (pgettext_lazy("navigation", "連絡協議会"), "councils:list", Perm.VIEW_COUNCILS),
    (pgettext_lazy("navigation", "会議"), "meetings:list", Perm.VIEW_COUNCILS),
    (pgettext_lazy("navigation", "任期更新"), "councils:renewals", Perm.APPOINT_MEMBERS),
    (pgettext_lazy("navigation", "意見・要望"), "cases:list", Perm.VIEW_STATION),
    (pgettext_lazy("navigation", "地域安全連絡員"), "network:contact_list", Perm.VIEW_CONTACTS),
    (pgettext_lazy("navigation", "情報交換"), "network:exchange_list", Perm.VIEW_CONTACTS),
    (pgettext_lazy("navigation", "地域安全情報"), "network:info_list", Perm.VIEW_CONTACTS),
    (pgettext_lazy("navigation", "ネットワークの状況"), "network:figures", Perm.VIEW_NETWORK_FIGURES),
    (pgettext_lazy("navigation", "住民等"), "people:list", Perm.VIEW_PEOPLE),
    (pgettext_lazy("navigation", "取り込み"), "imports:list", Perm.MANAGE_PEOPLE),
    (pgettext_lazy("navigation", "警察署"), "org:stations", Perm.VIEW_STATION),
    (pgettext_lazy("navigation", "職員"), "org:officers", Perm.VIEW_STATION),
    (pgettext_lazy("navigation", "再編整備"), "org:reorganisations", Perm.MANAGE_ORGANISATION),
    (pgettext_lazy("navigation", "監査記録"), "audit:list", Perm.VIEW_AUDIT_STATION),
    (pgettext_lazy("navigation", "県の設定"), "org:settings", Perm.MANAGE_SETTINGS),
]


def navigation_for(user) -> list[dict]:
    perms = permissions_of(user)
    items = []
    for label, url_name, perm in NAVIGATION:
        if perm is not None and perm not in perms:
            continue
        try:
            url = reverse(url_name)
        except Exception:  # an item whose app is not installed yet
            continue
        items.append({"label": label, "url": url})
    return items


def unread_count(officer):
    """The header's badge: the officer's unread open notifications, counted once when a page shows it (one query on
    the partial index ``notification_unread``), not on responses that never render the header."""
    counted = []

    def count() -> int:
        if not counted:
            counted.append(
                Notification.objects.filter(officer=officer, read_at__isnull=True, resolved_at__isnull=True).count()
            )
        return counted[0]

    return count


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"prefecture": PrefectureSettings.current()}
    officer = officer_of(user)
    return {
        "prefecture": PrefectureSettings.current(),
        "current_officer": officer,
        "unread_notifications": unread_count(officer) if officer else 0,
        "navigation": navigation_for(user),
        "user_perms": {p.value for p in permissions_of(user)},
    }
