from django.contrib import admin

from mentorship.core.models import Heartbeat

admin.site.register(Heartbeat)
