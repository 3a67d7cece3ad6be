"""HR's navigation stays in the product: "Departments and teams" opens the org pages, and no
link on HR's pages leads into the Django admin."""

from django.test import Client
from django.urls import reverse

from mentorship.participants.models import Participant


def test_hr_navigation_points_at_the_org_pages_never_the_admin(hr_admin: Participant) -> None:
    client = Client()
    client.force_login(hr_admin.user)
    org_url = reverse("participants:org_tree")
    for url in (reverse("core:home"), reverse("dashboards:hr"), org_url):
        page = client.get(url).content.decode()
        assert f'<a href="{org_url}">Departments and teams</a>' in page or url == org_url
        assert 'href="/admin' not in page, url
    assert client.get(org_url).status_code == 200
