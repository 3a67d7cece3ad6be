"""Static files as production serves them: collected with hashed names, compressed, and cached by
browsers for a year (a new version gets a new name), straight from the web process (WhiteNoise)."""

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

YEAR = 315360000  # WhiteNoise's "forever" for files whose name holds their hash


def test_collected_files_are_served_compressed_with_far_future_caching(tmp_path: Path, settings: Any) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    }
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("css/app.css")
    assert url != "/static/css/app.css"  # the hashed name

    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = Client().get(url)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) < int(plain["Content-Length"])
    assert f"max-age={YEAR}" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert "Accept-Encoding" in response["Vary"]
