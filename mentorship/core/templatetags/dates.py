"""`ago`: a relative time where it reads well, the plain date and time where it does not."""

from datetime import datetime, timedelta

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def ago(value: datetime | None) -> str:
    """ "just now" (never "0 minutes ago"), "5 minutes ago" within a day, else "2 Dec 2026, 11:30"."""
    if value is None:
        return ""
    age = timezone.now() - value
    if timedelta(minutes=-1) < age < timedelta(minutes=1):
        return "just now"
    if timedelta(0) < age < timedelta(days=1):
        return str(naturaltime(value))
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")
