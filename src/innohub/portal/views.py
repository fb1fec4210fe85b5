"""The public portal: the national portal (everything the visitor may see) and one portal per center
(the center and the centers below it). Pages read through selectors; nothing here writes.

List pages answer HTMX requests that target their results with the results fragment only (and the
filter counts out of band), and full pages otherwise, so every filter works without JavaScript.

Every page here is the same for every anonymous visitor (`@anonymous_page`): they get it from a
short-lived cache (core/page_cache.py), and the counts and cards behind it are cached too, so a page
not cached yet stays cheap (portal/cache.py, ADR 0007).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from innohub.accounts.access import can
from innohub.centers.models import Center
from innohub.content.selectors import get_news_for, news_for
from innohub.core.cache import depends_on
from innohub.core.errors import NotFound
from innohub.core.page_cache import anonymous_page
from innohub.core.search import SearchPaginator, correction_note
from innohub.core.templatetags.ui import icon
from innohub.directory import selectors as directory_selectors
from innohub.directory.filters import DirectoryFilters
from innohub.directory.models import Organisation, OrganisationKind, Person, PersonRelationKind, RelationKind
from innohub.portal import selectors
from innohub.portal.cache import anonymous_data, shared_fragments

ORGANISATIONS_PER_PAGE = 20
PEOPLE_PER_PAGE = 20
NEWS_PER_PAGE = 12
SEARCH_PAGE_SIZE = 20


def _paginate(
    request: HttpRequest, qs: QuerySet[Any], per_page: int, count_key: tuple[Any, ...] | None = None
) -> Page:
    """Search results are counted up to a cap (the search backend's SearchPaginator): an exact count
    of a broad query costs as much as ranking it; the template then says "more than N".

    With a `count_key` (what the count depends on besides the visitor), an anonymous visitor's count
    comes from the cache: every page number of the same list shares it."""
    paginator = SearchPaginator(qs, per_page)
    if count_key is not None:

        def count() -> tuple[int, bool]:
            return paginator.count, paginator.count_capped

        known, capped = anonymous_data(request.user, "count", count_key, count)
        paginator.count = known  # type: ignore[misc]  # `count` is a cached_property: this is its value
        paginator.count_capped = capped
    return paginator.get_page(request.GET.get("page"))


def _htmx_target(request: HttpRequest) -> str | None:
    htmx = getattr(request, "htmx", None)
    return htmx.target if htmx else None


def _vary_htmx(response: HttpResponse) -> HttpResponse:
    """A fragment and a full page share a URL: caches must tell them apart."""
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _fallback_lang(obj: Any, field: str) -> str | None:
    """The language a translated field is shown in when it is not the UI language (for `lang=`)."""
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if getattr(obj, f"{field}_{current}", None):
        return None
    for code in settings.MODELTRANSLATION_FALLBACK_LANGUAGES["default"]:
        if code != current and getattr(obj, f"{field}_{code}", None):
            return code
    return None


def _export_url(params: dict[str, Any]) -> str:
    """The workspace export of the organisations the visitor is looking at (same filters)."""
    try:
        base = reverse("workspace:import-export", kwargs={"kind": "organisations", "fmt": "csv"})
    except NoReverseMatch:
        base = reverse("workspace:home") + "import/export/organisations.csv"
    query = urlencode(params, doseq=True)
    return f"{base}?{query}" if query else base


# --- home and center portals ---------------------------------------------------------------------


def _home_context(request: HttpRequest, center: Center | None) -> dict[str, Any]:
    user = request.user
    paths = [center.path] if center else None
    return {
        "center": center,
        "figures": selectors.home_figures(user, center),
        "featured": selectors.featured_organisations(user, center),
        "latest_news": list(news_for(user, center_paths=paths)[:3]),
        "child_centers": list(center.children.filter(is_active=True)) if center else [],
        "directory_query": urlencode({"center": center.slug}) if center else "",
        "kinds": OrganisationKind,
    }


@anonymous_page
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", _home_context(request, None))


@anonymous_page
def center_portal(request: HttpRequest, center_slug: str) -> HttpResponse:
    center = selectors.active_center_by_slug(center_slug)
    if center is None:
        raise Http404
    return render(request, "portal/home.html", _home_context(request, center))


@anonymous_page
def centers(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/centers.html", {"tree": selectors.center_tree(request.user)})


# --- directory -------------------------------------------------------------------------------------


def _facet_titles() -> list[tuple[str, str]]:
    return [
        ("kind", _("Kind of organisation")),
        ("province", _("Province")),
        ("sector", _("Sector")),
        ("stage", _("Stage")),
        ("center", _("Support center")),
    ]


def _active_chips(
    base_url: str, filters: DirectoryFilters, facets: dict[str, list[selectors.FacetOption]]
) -> list[tuple[str, str]]:
    """(label, URL without that value) for each active filter, so each can be removed alone."""
    params = filters.as_params()
    chips: list[tuple[str, str]] = []

    def without(key: str, value: Any) -> str:
        rest = {k: v for k, v in params.items() if k != key}
        if isinstance(params.get(key), list):
            remaining = [v for v in params[key] if v != value]
            if remaining:
                rest[key] = remaining
        query = urlencode(rest, doseq=True)
        return f"{base_url}?{query}" if query else base_url

    if filters.q:
        chips.append((f"“{filters.q}”", without("q", filters.q)))
    for key in selectors.FACET_KEYS:
        labels = {o.value: o.label for o in facets.get(key, [])}
        for value in getattr(filters, key):
            chips.append((labels.get(value, value), without(key, value)))
    return chips


def _directory_rows(page: Page) -> list[Organisation]:
    """The page's organisations, each with its card's HTML (`card_html`).

    Cards are cached fragments (portal/cache.py), shared by every visitor. The selector's eager
    loading (tags) is done only for the cards to render, and what is the same for every card is worked
    out once (URL pattern, kind labels, icons), not once per row: a `{% url %}`, a choices lookup or
    an icon per row costs more than the row's share of the query."""
    rows_qs = page.object_list
    lookups: tuple[Any, ...] = ()
    if isinstance(rows_qs, QuerySet):
        # the selector's eager loading, applied below to the rows whose card is rendered
        lookups = tuple(rows_qs._prefetch_related_lookups)  # type: ignore[attr-defined]
        rows_qs = rows_qs.prefetch_related(None)
    rows: list[Organisation] = list(rows_qs)
    url_pattern = reverse("portal:organisation", args=["-slug-"])
    common = {
        "icon_province": icon("geo-alt"),
        "icon_stage": icon("graph-up-arrow"),
        "icon_founded": icon("calendar3"),
        "icon_center": icon("bank"),
        "tags_label": _("Tags"),
    }

    def render_cards(orgs: list[Organisation]) -> list[str]:
        prefetch_related_objects(orgs, *lookups)
        card = get_template("portal/directory/_org_card.html")
        html = []
        for org in orgs:
            org.portal_url = url_pattern.replace("-slug-", org.slug)  # type: ignore[attr-defined]
            org.kind_label = org.get_kind_display()  # type: ignore[attr-defined]
            html.append(card.render({"org": org, **common}))
        return html

    cards = shared_fragments("org-card", rows, lambda org: (org.pk, org.version), render_cards)
    for org, card_html in zip(rows, cards, strict=True):
        org.card_html = card_html  # type: ignore[attr-defined]
    return rows


@anonymous_page
def directory(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = DirectoryFilters.from_querydict(request.GET)
    organisations = directory_selectors.organisations_for(user, filters)
    page = _paginate(
        request,
        organisations,
        ORGANISATIONS_PER_PAGE,
        count_key=("organisations", selectors.filters_key(filters)),
    )
    page.object_list = _directory_rows(page)
    params = filters.as_params()
    facets = selectors.directory_facets(user, filters)
    context = {
        "filters": filters,
        "page_obj": page,
        "facets": facets,
        "facet_titles": _facet_titles(),
        "active_chips": _active_chips(reverse("portal:directory"), filters, facets),
        "active_filters": bool(params),
        "export_url": _export_url(params) if user.is_authenticated else None,
        "scoped_center": Center.objects.filter(slug__in=filters.center).first() if filters.center else None,
        # the words as typed found nothing: these results are the spelling-tolerant search's
        "search_note": correction_note(organisations, (org.name for org in page.object_list)),
    }
    if _htmx_target(request) == "directory-results":
        return _vary_htmx(render(request, "portal/directory/_results.html", context))
    return _vary_htmx(render(request, "portal/directory/list.html", context))


@anonymous_page
def province_map(request: HttpRequest) -> HttpResponse:
    center = None
    center_slug = request.GET.get("center")
    if center_slug:
        center = selectors.active_center_by_slug(center_slug)
    return render(
        request,
        "portal/directory/map.html",
        {"map": selectors.province_map(request.user, center), "center": center},
    )


def _relation_groups(org: Any, relations: list[Any]) -> list[tuple[str, list[Any]]]:
    """Relations read from this organisation's side: "Incubated by X" and, the other way, "Has incubated Y"."""
    outgoing = {
        RelationKind.INCUBATED_BY: _("Incubated by"),
        RelationKind.INVESTED_IN: _("Invested in"),
        RelationKind.ALUMNI_OF: _("Alumni of"),
        RelationKind.MEMBER_OF: _("Member of"),
    }
    incoming = {
        RelationKind.INCUBATED_BY: _("Has incubated"),
        RelationKind.INVESTED_IN: _("Investors"),
        RelationKind.ALUMNI_OF: _("Alumni"),
        RelationKind.MEMBER_OF: _("Members"),
    }
    groups: dict[str, list[Any]] = {}
    for rel in relations:
        if rel.source_id == org.pk:
            label, other = outgoing.get(rel.kind, rel.get_kind_display()), rel.target
        else:
            label, other = incoming.get(rel.kind, rel.get_kind_display()), rel.source
        groups.setdefault(str(label), []).append({"org": other, "since": rel.since_year, "note": rel.note})
    return list(groups.items())


def _person_tie_groups(ties: list[Any], *, from_person: bool) -> list[tuple[str, list[Any]]]:
    """A person's ties grouped by kind: "Mentors: A, B" on an organisation's page, "Mentor of: X" on the
    person's own page."""
    if from_person:
        labels = {
            PersonRelationKind.MENTOR_OF: _("Mentor of"),
            PersonRelationKind.ADVISOR_OF: _("Adviser of"),
            PersonRelationKind.FOUNDER_OF: _("Founder of"),
            PersonRelationKind.INVESTOR_OF: _("Investor in"),
        }
    else:
        labels = {
            PersonRelationKind.MENTOR_OF: _("Mentors"),
            PersonRelationKind.ADVISOR_OF: _("Advisers"),
            PersonRelationKind.FOUNDER_OF: _("Founders"),
            PersonRelationKind.INVESTOR_OF: _("Individual investors"),
        }
    groups: dict[str, list[Any]] = {}
    for tie in ties:
        groups.setdefault(str(labels.get(tie.kind, tie.get_kind_display())), []).append(tie)
    return list(groups.items())


@anonymous_page
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    try:
        org = directory_selectors.get_organisation_for(user, slug)
    except NotFound as exc:
        raise Http404 from exc
    depends_on(request, org)
    claim_url = None
    if user.is_authenticated:
        for kwargs in ({"slug": org.slug}, {"org_slug": org.slug}):
            try:
                claim_url = reverse("workspace:directory-claim", kwargs=kwargs)
                break
            except NoReverseMatch:
                continue
    people = (
        Person.objects.visible_to(user)
        .filter(organisation=org)
        .select_related("province")
        .order_by("full_name")
    )
    can_history = user.is_authenticated and can(user, "directory.view_history", org)
    context = {
        "org": org,
        "description_lang": _fallback_lang(org, "description"),
        "relation_groups": _relation_groups(org, directory_selectors.relations_of(user, org)),
        "person_ties": _person_tie_groups(
            directory_selectors.people_related_to(user, org), from_person=False
        ),
        "people": list(people[:24]),
        "claim_url": claim_url,
        "history": selectors.change_history(org) if can_history else None,
        "social_links": [
            (k, v)
            for k, v in (org.social_links or {}).items()
            if isinstance(v, str) and v.lower().startswith(("http://", "https://"))
        ],
    }
    return render(request, "portal/organisation.html", context)


# --- people ----------------------------------------------------------------------------------------


@anonymous_page
def people(request: HttpRequest) -> HttpResponse:
    filters = DirectoryFilters.from_querydict(request.GET)
    people_qs = directory_selectors.people_for(request.user, filters)
    page = _paginate(
        request, people_qs, PEOPLE_PER_PAGE, count_key=("people", selectors.filters_key(filters))
    )
    # A public person may work for an organisation the visitor may not see: name only visible ones.
    org_ids = {p.organisation_id for p in page.object_list if p.organisation_id}
    visible_org_ids = (
        set(Organisation.objects.visible_to(request.user).filter(pk__in=org_ids).values_list("pk", flat=True))
        if org_ids
        else set()
    )
    context = {
        "filters": filters,
        "page_obj": page,
        "visible_org_ids": visible_org_ids,
        "options": selectors.people_filter_options(),
        "active_filters": bool(filters.as_params()),
        "search_note": correction_note(people_qs, directory_selectors.person_texts(page.object_list)),
    }
    if _htmx_target(request) == "people-results":
        return _vary_htmx(render(request, "portal/people/_results.html", context))
    return _vary_htmx(render(request, "portal/people/list.html", context))


@anonymous_page
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        person = directory_selectors.get_person_for(request.user, slug)
    except NotFound as exc:
        raise Http404 from exc
    depends_on(request, person)
    organisation = None
    if person.organisation_id:
        # The person may be public while their organisation is not: link only what the visitor may see.
        organisation = Organisation.objects.visible_to(request.user).filter(pk=person.organisation_id).first()
    return render(
        request,
        "portal/person.html",
        {
            "person": person,
            "organisation": organisation,
            "bio_lang": _fallback_lang(person, "bio"),
            "ties": _person_tie_groups(
                directory_selectors.relations_of_person(request.user, person), from_person=True
            ),
        },
    )


# --- news ------------------------------------------------------------------------------------------


@anonymous_page
def news(request: HttpRequest) -> HttpResponse:
    center = None
    center_slug = request.GET.get("center")
    if center_slug:
        center = selectors.active_center_by_slug(center_slug)
        if center is None:
            raise Http404
    qs = news_for(request.user, center_paths=[center.path] if center else None)
    return render(
        request,
        "portal/news/list.html",
        {
            "page_obj": _paginate(
                request, qs, NEWS_PER_PAGE, count_key=("news", center.pk if center else None)
            ),
            "center": center,
        },
    )


@anonymous_page
def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = get_news_for(request.user, slug)
    except NotFound as exc:
        raise Http404 from exc
    more = news_for(request.user, center_paths=[article.center.path]).exclude(pk=article.pk)[:3]
    return render(
        request,
        "portal/news/detail.html",
        {
            "article": article,
            "body_lang": _fallback_lang(article, "body"),
            "title_lang": _fallback_lang(article, "title"),
            "more": list(more),
        },
    )


# --- search ----------------------------------------------------------------------------------------


@anonymous_page
def search(request: HttpRequest) -> HttpResponse:
    """One search over organisations and people, best matches first (directory.search_all)."""
    q = str(request.GET.get("q") or "").strip()[:200]
    try:
        page = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        page = 1
    context: dict[str, Any] = {"q": q, "results": None, "query": urlencode({"q": q})}
    if q:
        context["results"] = directory_selectors.search_all(
            request.user, q, page=page, page_size=SEARCH_PAGE_SIZE
        )
    return render(request, "portal/search.html", context)
