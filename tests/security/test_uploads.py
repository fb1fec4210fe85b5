"""User uploads: only public folders are served, images inline, anything else as an opaque attachment,
always with nosniff and a sandboxing policy; logos are checked with Pillow before they are stored."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import ImageField
from PIL import Image

from innohub.directory.forms import validate_logo

HTML = b"<!doctype html><script>alert(document.cookie)</script>"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def stored():
    names: list[str] = []

    def save(name: str, content: bytes) -> str:
        saved = default_storage.save(name, ContentFile(content))
        names.append(saved)
        return "/media/" + saved

    yield save
    for name in names:
        default_storage.delete(name)


def assert_safe_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_logo_is_served_inline_as_an_image(client, stored):
    url = stored("logos/2026/acme.png", png_bytes())
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert b"".join(response.streaming_content) == png_bytes()
    assert_safe_headers(response)


@pytest.mark.parametrize(
    "name", ["logos/2026/page.html", "logos/2026/logo.svg", "news/2026/x.txt", "logos/noext"]
)
def test_anything_else_in_a_public_folder_is_an_opaque_attachment(client, stored, name):
    response = client.get(stored(name, HTML))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert_safe_headers(response)


@pytest.mark.parametrize(
    "name", ["applications/2026/01/business-plan.pdf", "privacy/exports/export-1.zip", "other/file.png"]
)
def test_private_uploads_are_not_served_by_path(client, stored, name):
    """Applications' files and data exports go only through their permission-checked download views."""
    assert client.get(stored(name, b"%PDF-1.7 secret")).status_code == 404


@pytest.mark.parametrize(
    "path", ["/media/logos/../applications/2026/01/x.pdf", "/media/logos/%2e%2e/privacy/x.zip"]
)
def test_path_tricks_do_not_leave_the_public_folders(client, stored, path):
    stored("applications/2026/01/x.pdf", b"secret")
    stored("privacy/x.zip", b"secret")
    assert client.get(path).status_code == 404


def test_media_accepts_only_reads(client, stored):
    url = stored("logos/2026/acme.png", png_bytes())
    assert client.post(url).status_code == 405


def _image_upload(content: bytes, name: str = "logo.png"):
    """What the form field hands validate_logo: the upload with Pillow's verdict attached."""
    return ImageField().clean(SimpleUploadedFile(name, content, content_type="image/png"))


def test_html_disguised_as_a_png_logo_is_refused():
    with pytest.raises(ValidationError):
        _image_upload(HTML)


def test_logo_size_and_format_are_checked(settings):
    validate_logo(_image_upload(png_bytes()))  # a real PNG passes
    settings.INNOHUB_LOGO_MAX_BYTES = 10
    with pytest.raises(ValidationError) as caught:
        validate_logo(_image_upload(png_bytes()))
    assert caught.value.code == "file_too_large"
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="BMP")
    settings.INNOHUB_LOGO_MAX_BYTES = 2 * 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        validate_logo(_image_upload(buffer.getvalue(), "logo.bmp"))
    assert caught.value.code == "invalid_image_type"
