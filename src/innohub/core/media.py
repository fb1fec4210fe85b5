"""Public user uploads (organisation logos, news covers), served so that they never run in our origin.

Only the folders listed in PUBLIC_MEDIA_PREFIXES are public; everything else under MEDIA_ROOT
(applications' files, personal-data exports) is private and only reachable through the views that check
permissions (programs `file_download`, privacy `export_download`): here it is a 404, even if the path is
guessed. A public file is sent inline only when its name says it is a raster image we accept (no SVG:
an SVG can carry script); anything else is an attachment. Every answer has `X-Content-Type-Options:
nosniff` and a `Content-Security-Policy: default-src 'none'; sandbox`, so even a file that a browser
did decide to render could neither run script nor reach our cookies.

In production the same view serves them (gunicorn behind the proxy); a deployment that lets the web
server serve MEDIA_ROOT directly must expose only these folders and send the same headers.
"""

from __future__ import annotations

import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

#: folders under MEDIA_ROOT whose files anyone may download (upload_to of Organisation.logo, News.cover_image)
PUBLIC_MEDIA_PREFIXES = ("logos/", "news/")
#: served inline; the uploads were checked with Pillow when they were saved (directory.forms.validate_logo)
INLINE_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
SANDBOX_POLICY = "default-src 'none'; img-src 'self'; sandbox"


@require_safe
def serve_public_media(request: HttpRequest, path: str) -> FileResponse:
    name = posixpath.normpath(path).lstrip("/")
    if name != path or name.startswith("..") or not name.startswith(PUBLIC_MEDIA_PREFIXES):
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    extension = posixpath.splitext(name)[1].lower()
    image_type = INLINE_IMAGE_TYPES.get(extension)
    if image_type is not None:
        response = FileResponse(handle, content_type=image_type)
    else:
        # An opaque type: a browser only ever saves it, whatever the file holds.
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=posixpath.basename(name),
            content_type="application/octet-stream",
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["Cache-Control"] = "public, max-age=3600"
    return response
