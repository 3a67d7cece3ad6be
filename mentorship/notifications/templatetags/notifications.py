from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context: dict[str, Any]) -> int:
    """Unread notifications of the signed-in user: one query per request, however often it is used."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_unread_notifications_count", None)
    if cached is None:
        from mentorship.notifications.services import unread

        cached = unread(user).count()
        request._unread_notifications_count = cached
    return int(cached)
