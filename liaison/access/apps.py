from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "liaison.access"
    label = "access"

    def ready(self):
        # The login receiver that asks an officer who enrolled for a code even where OTP_REQUIRED is off.
        from . import (
            devices,  # noqa: F401 — connects the successful-login receiver
            second_factor,  # noqa: F401
        )
