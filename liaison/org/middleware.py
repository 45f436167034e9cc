"""Per-request reading of the prefecture settings (see ``PrefectureSettings.current``)."""

from .models import _settings_of_request


class PrefectureSettingsOncePerRequest:
    """While a request runs, ``PrefectureSettings.current()`` reads the settings once and hands the same object to
    every caller; the next request reads them afresh, so a change saved by anyone is seen at the next page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _settings_of_request.set({})
        try:
            return self.get_response(request)
        finally:
            _settings_of_request.reset(token)
