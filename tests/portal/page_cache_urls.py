"""Views for tests/portal/test_page_cache.py: shareable pages that nevertheless set something per visitor."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from innohub.core.page_cache import anonymous_page

CALLS: list[str] = []


@anonymous_page
def with_token(request: HttpRequest) -> HttpResponse:
    CALLS.append("token")
    return HttpResponse(f"<form><input name='csrfmiddlewaretoken' value='{get_token(request)}'></form>")


@anonymous_page
def with_cookie(request: HttpRequest) -> HttpResponse:
    CALLS.append("cookie")
    response = HttpResponse("hello")
    response.set_cookie("seen", "1")
    return response


@anonymous_page
def with_message(request: HttpRequest) -> HttpResponse:
    CALLS.append("message")
    messages.info(request, "Welcome")
    return HttpResponse("hello")


@anonymous_page
def with_session(request: HttpRequest) -> HttpResponse:
    CALLS.append("session")
    request.session["visited"] = True
    return HttpResponse("hello")


@anonymous_page
def plain(request: HttpRequest) -> HttpResponse:
    CALLS.append("plain")
    return HttpResponse("hello")


def unmarked(request: HttpRequest) -> HttpResponse:
    CALLS.append("unmarked")
    return HttpResponse("hello")


urlpatterns = [
    path(f"{view.__name__}/", view)
    for view in (with_token, with_cookie, with_message, with_session, plain, unmarked)
]
