from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mentorship.core import health
from mentorship.core.mail import outbox_messages


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = health.run_checks()
    healthy = all(check.ok for check in checks.values())
    body = {
        "status": "ok" if healthy else "unhealthy",
        "checks": {name: {"ok": check.ok, "detail": check.detail} for name, check in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def outbox(request: HttpRequest) -> HttpResponse:
    """The development mail sink, so a demo can follow verification and reminder emails.

    Only with DEBUG on, where anyone may read it (a new sign-up needs their link before they can
    log in); with DEBUG off it does not exist for anyone, superusers included."""
    if not settings.DEBUG or settings.MAILERS["default"]["BACKEND"] != "mentorship.core.mail.ConsoleAndFileBackend":
        raise Http404("No such page.")
    messages = []
    for name, message in outbox_messages():
        text = message.get_body(preferencelist=("plain",))
        messages.append(
            {
                "id": name,
                "to": message["To"],
                "subject": message["Subject"],
                "date": message["Date"],
                "body": text.get_content() if text is not None else "",
            }
        )
    return render(request, "core/outbox.html", {"messages_sent": messages})


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    # No request context: whatever broke may be behind the context processors.
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
