"""Keeps the current request's client address where audit entries can find it, and audits refused requests."""

from contextvars import ContextVar

from django.core.exceptions import PermissionDenied

from liaison.access.client import client_address

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
# Refusals noted during the request (entry fields), written once the response is made: the view's transaction,
# which the refusal rolled back, is over by then, so the entry survives it.
pending_refusals: ContextVar[list[dict] | None] = ContextVar("pending_refusals", default=None)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_address(request))
        refusals: list[dict] = []
        refusals_token = pending_refusals.set(refusals)
        try:
            response = self.get_response(request)
        finally:
            pending_refusals.reset(refusals_token)
            try:
                if refusals:
                    from .log import append

                    for fields in refusals:
                        append(**fields)
            finally:
                current_ip.reset(token)
        return response

    def process_exception(self, request, exception):
        """Every 403 (PermissionDenied from an access decorator, a change check or an action) is audited."""
        if isinstance(exception, PermissionDenied):
            from .log import record_refusal

            match = request.resolver_match
            record_refusal(
                user=request.user,
                action="access.denied",
                summary=f"権限のない操作を拒否しました（{request.method} {request.path}）",
                detail={"view": match.view_name if match else ""},
            )
        return None
