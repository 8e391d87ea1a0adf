"""Where uploads live and who serves them: the storage from the environment, /media/ in development, CSP."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from newsroom.tests.test_settings import run_python

PRINT_MEDIA_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "root": str(settings.MEDIA_ROOT),
    "url": settings.MEDIA_URL,
    "storage": settings.STORAGES["default"],
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "serve": settings.NEWSROOM_SERVE_MEDIA,
}))
"""


def media_settings(**env):
    result = run_python("-c", PRINT_MEDIA_SETTINGS, DJANGO_DEBUG="1", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_uploads_go_to_the_media_folder_by_default_and_images_come_from_the_site_only():
    values = media_settings()
    assert values["root"].endswith("/media") and values["url"] == "/media/"
    assert values["storage"] == {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {}}
    assert values["img_src"] == ["'self'", "data:"]
    assert values["serve"] is True


def test_the_storage_backend_and_its_options_come_from_the_environment(tmp_path):
    options = {"location": str(tmp_path), "base_url": "https://media.news.example/"}
    values = media_settings(
        NEWSROOM_MEDIA_STORAGE="django.core.files.storage.FileSystemStorage",
        NEWSROOM_MEDIA_STORAGE_OPTIONS=json.dumps(options),
        NEWSROOM_MEDIA_URL="https://media.news.example/",
    )
    assert values["storage"]["OPTIONS"] == options
    # Photos on another origin are images of our pages too.
    assert values["img_src"] == ["'self'", "data:", "https://media.news.example"]


def test_a_media_origin_can_be_named_for_a_storage_that_makes_its_own_urls():
    values = media_settings(NEWSROOM_MEDIA_ORIGIN="https://bucket.s3.example,https://cdn.example")
    assert values["img_src"] == ["'self'", "data:", "https://bucket.s3.example", "https://cdn.example"]


def test_storage_options_that_are_not_a_json_object_are_refused():
    result = run_python("-c", PRINT_MEDIA_SETTINGS, DJANGO_DEBUG="1", NEWSROOM_MEDIA_STORAGE_OPTIONS="[1, 2]")
    assert result.returncode != 0
    assert "NEWSROOM_MEDIA_STORAGE_OPTIONS must be a JSON object" in result.stderr


def test_production_does_not_serve_media_through_django():
    from newsroom.tests.test_settings import PRODUCTION

    result = run_python("-c", PRINT_MEDIA_SETTINGS, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["serve"] is False


@pytest.mark.django_db
def test_development_serves_an_upload_with_nosniff_and_a_year_of_caching(client):
    name = default_storage.save("photos/example.webp", ContentFile(b"RIFF0000WEBP"))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content) == b"RIFF0000WEBP"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["photos/missing.jpg", "photos/", "../settings.py", "%2e%2e/newsroom/settings.py"])
def test_nothing_but_an_upload_is_served(client, path):
    assert client.get(f"/media/{path}").status_code == 404


def test_tests_write_media_into_a_temporary_folder(settings):
    from pathlib import Path

    assert not Path(settings.MEDIA_ROOT).is_relative_to(Path(__file__).resolve().parents[2])
