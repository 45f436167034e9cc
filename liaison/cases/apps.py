from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "liaison.cases"
    verbose_name = _("意見・要望")
