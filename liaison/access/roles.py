"""The roles an officer can hold. They live here, below the organisation, so that access needs nothing above it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", _("本部地域課（管理者）")
    HQ_STAFF = "hq_staff", _("本部各所属")
    STATION_CHIEF = "station_chief", _("署長")
    DEPUTY = "deputy", _("副署長・次長")
    COMMUNITY_SECTION = "community_section", _("署地域課")
    SECTION_STAFF = "section_staff", _("署各課")
    KOBAN_CHIEF = "koban_chief", _("交番所長・駐在所長")
    KOBAN_STAFF = "koban_staff", _("交番・駐在所勤務員")
