"""One record per form, however often it is sent: a token issued with the form is spent by the first save.

A double click, a browser's re-send or a reload after saving carries a spent token; the view then shows what was
already saved instead of saving it again. Spent tokens are remembered in the session (the latest ``KEEP``).
"""

import secrets

SESSION_KEY = "spent_form_tokens"
KEEP = 30


def issue() -> str:
    """A new token for a form about to be shown."""
    return secrets.token_urlsafe(16)


def was_spent(request, token: str | None) -> bool:
    """True when a save with this token already happened in this session."""
    return bool(token) and token in request.session.get(SESSION_KEY, [])


def spend(request, token: str | None) -> None:
    """Remember the token as used: call it in the request that saved the record."""
    if token:
        spent = request.session.get(SESSION_KEY, [])[-(KEEP - 1) :]
        request.session[SESSION_KEY] = [*spent, token]
