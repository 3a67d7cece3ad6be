from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from mentorship.core import urls as core_urls
from pairing.home import home

# The admin signs in through allauth, so it gets the same rate limits and MFA as the app.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # the admin's login view wrapped in place
admin.site.site_header = "Mentorship administration"

# The `core` namespace: core's own pages and the start page, which lives with programs (core
# imports no other project app; the start page shows profiles, skills and programs).
core_patterns = [path("", home, name="home"), *core_urls.urlpatterns]

urlpatterns = [
    path("", include((core_patterns, "core"))),
    path("", include("mentorship.participants.urls")),
    path("skills/", include("skills.urls")),
    path("programs/", include("mentorship.programs.urls")),
    path("hr/import/", include("mentorship.imports.urls")),
    path("matching/", include("pairing.urls")),
    path("mentorships/", include("mentorship.workspace.pair_urls")),
    path("mentorships/", include("mentorship.workspace.urls")),
    path("notifications/", include("mentorship.notifications.urls")),
    path("dashboards/", include("mentorship.dashboards.urls")),
    path("feedback/", include("mentorship.feedback.urls")),
    path("accounts/", include("allauth.urls")),
    path("hr/audit/", include("mentorship.audit.urls")),
    path("", include("mentorship.datarights.urls")),
    path("calendar/", include("mentorship.ical.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "mentorship.core.views.error_403"
handler404 = "mentorship.core.views.error_404"
handler500 = "mentorship.core.views.error_500"
