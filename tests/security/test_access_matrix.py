"""The access matrix: every URL the resolver knows is declared in tests/security/access.py, and every identity the
declaration leaves out is refused (404, the sign-in page, or 405) for GET, POST and htmx alike, without a trace in
the database; the identities it names do reach the page, so the matrix can fail both ways."""

import hashlib
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from .access import ACCESS, ANONYMOUS, IDENTITIES, POST, Public, Reach, Target

ADMIN_ROUTE = "admin/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def url_patterns(resolver=None, namespace="", prefix=""):
    """(qualified name or None, route) of every URL pattern, those of included URLconfs too."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner, route)
        else:
            yield (f"{namespace}{entry.name}" if entry.name else None), route


def app_patterns():
    return [(name, route) for name, route in url_patterns() if not route.startswith(ADMIN_ROUTE)]


def test_the_resolver_lists_the_platform():
    names = {name for name, _ in app_patterns()}
    assert {"contracts:employer_detail", "schools:graduate_id_number", "exports:download"} <= names
    assert any(route.startswith(ADMIN_ROUTE) for _, route in url_patterns())


def test_every_url_is_declared():
    undeclared = [f"{route} (name={name})" for name, route in app_patterns() if name is None or name not in ACCESS]
    assert not undeclared, (
        "URL patterns nobody declared: name each one and add it to ACCESS in tests/security/access.py as Public() "
        "or Reach(<who>, build=<its record>) — see tests/security/README.md:\n  " + "\n  ".join(undeclared)
    )


def test_every_declaration_is_a_url():
    names = {name for name, _ in app_patterns()}
    stale = sorted(set(ACCESS) - names)
    assert not stale, f"ACCESS declares URLs the resolver does not have (renamed or removed?): {stale}"


# ---------------------------------------------------------------------------------------------- the database


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every model (sessions aside: signing in writes them)."""
    state = {}
    for model in apps.get_models():
        if model is Session or model._meta.proxy:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        state[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def changed(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def refused(response) -> bool:
    return response.status_code in (404, 405) or login_redirect(response)


def reached(response) -> bool:
    return response.status_code in (200, 302) and not login_redirect(response)


def attacks(client, url, data):
    yield "GET", client.get(url)
    yield "GET htmx", client.get(url, **HTMX)
    yield "POST", client.post(url, data)
    yield "POST htmx", client.post(url, data, **HTMX)


# ---------------------------------------------------------------------------------------------- the matrix


def declared(kind):
    return [pytest.param(name, id=name) for name, rule in ACCESS.items() if isinstance(rule, kind)]


@pytest.mark.parametrize("name", declared(Public))
def test_public_pages_answer_anyone(db, client, name):
    response = client.get(reverse(name, kwargs=ACCESS[name].kwargs))
    assert response.status_code < 500 or (name == "healthz" and response.status_code == 503)


@pytest.mark.parametrize("name", declared(Reach))
def test_only_those_declared_reach_it(world, clients, name):
    rule: Reach = ACCESS[name]
    target = rule.build(world) if rule.build else Target({})
    url = reverse(name, kwargs={**rule.kwargs, **target.kwargs})
    data = {**POST, **target.post}
    attackers = [who for who in IDENTITIES if who not in rule.who and who not in rule.harmless]

    before = snapshot()
    answered = []
    for who in attackers:
        for method, response in attacks(clients[who], url, data):
            if not refused(response):
                answered.append(f"{who} {method} → {response.status_code}")
    for who in rule.harmless:
        for method, response in attacks(clients[who], url, data):
            if response.status_code >= 500:
                answered.append(f"{who} {method} → {response.status_code}")
    assert not answered, f"{url} answered those it must refuse: {answered}"
    assert not changed(before, snapshot()), f"an attack on {url} changed {changed(before, snapshot())}"

    # The owners reach it: a GET, or — for a view that only takes POST — the POST.
    post_only = []
    for who in rule.who:
        response = clients[who].get(url)
        if response.status_code == 405:
            post_only.append(who)
        else:
            assert reached(response), f"{who} cannot GET {url} ({response.status_code}): is the declaration right?"
    if post_only or rule.owner_post_changes:
        owner = post_only[0] if post_only else rule.who[0]
        before = snapshot()
        response = clients[owner].post(url, data)
        assert reached(response), f"{owner} cannot POST {url} ({response.status_code})"
        if rule.owner_post_changes:
            assert changed(before, snapshot()), f"{owner}'s POST to {url} changed nothing: the attackers' POST proves nothing"


# ---------------------------------------------------------------------------------------------- the admin

ADMIN_SAMPLES = {"url": "nothing-here/"}


def admin_urls() -> list[str]:
    """Each admin URL pattern with sample arguments (app_label: an app the admin has)."""
    labels = sorted({model._meta.app_label for model in admin.site._registry})
    urls = []
    for name, route in url_patterns():
        if not route.startswith(ADMIN_ROUTE) or name == "admin:login":
            continue
        keys = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
        keys = [a or b for a, b in keys]
        for label in labels:
            kwargs = {key: label if key == "app_label" else ADMIN_SAMPLES.get(key, "1") for key in keys}
            try:
                urls.append(reverse(name, kwargs=kwargs) if name else f"/{ADMIN_ROUTE}{kwargs.get('url', '')}")
                break
            except NoReverseMatch:
                continue
        else:
            raise AssertionError(f"cannot build a sample URL of the admin pattern {route}")
    return urls


def test_the_admin_is_for_staff_only(world, clients):
    urls = admin_urls()
    assert len(urls) > 40
    admin_login = reverse("admin:login")
    # Signing out of the admin sends anyone to its index (and a non-staff user on to its sign-in page).
    allowed = {reverse("admin:logout"): reverse("admin:index")}
    before = snapshot()
    answered = []
    for who in (ANONYMOUS, "employer", "student", "school_reviewer", "operator"):
        for url in urls:
            for method, response in (("GET", clients[who].get(url)), ("POST", clients[who].post(url, {"x": "1"}))):
                location = response.get("Location", "")
                if not (response.status_code == 302 and (location.startswith(admin_login) or location == allowed.get(url))):
                    answered.append(f"{who} {method} {url} → {response.status_code}")
    assert not answered, f"admin URLs answered non-staff: {answered[:20]}"
    assert not changed(before, snapshot())


# What a staff user without any permission may still open: the admin's own pages about the user's session.
STAFF_WITHOUT_PERMISSIONS_MAY_OPEN = {"admin:index", "admin:logout", "admin:password_change",
                                      "admin:password_change_done", "admin:jsi18n"}


def existing_object_urls() -> list[str]:
    """The change, history and delete pages of an existing record of every model in the admin."""
    urls = []
    for model in admin.site._registry:
        record = model._default_manager.order_by("pk").first()
        if record is None:
            continue
        info = model._meta.app_label, model._meta.model_name
        urls += [reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[record.pk]) for view in ("change", "history", "delete")]
    return urls


def test_staff_without_permissions_see_nothing_in_the_admin(world, clients):
    """Every admin page of a model, an object or an operator action answers 403 or 404 to staff without
    permissions, for GET and POST, and nothing changes."""
    open_urls = {reverse(name) for name in STAFF_WITHOUT_PERMISSIONS_MAY_OPEN}
    existing = existing_object_urls()
    assert len(existing) > 30
    index = reverse("admin:index")
    before = snapshot()
    answered = []
    for url in [url for url in admin_urls() if url not in open_urls] + existing:
        for method, response in (("GET", clients["staff"].get(url)), ("POST", clients["staff"].post(url, {"x": "1"}))):
            if response.status_code in (403, 404, 405):
                continue
            # A sample key that names no record: the admin sends anyone back to its index, showing nothing.
            if url not in existing and response.status_code == 302 and response["Location"] == index:
                continue
            # The admin's view-on-site shortcut sends staff on to the object's own page, which checks its owner.
            if url.startswith("/admin/r/") and response.status_code == 302:
                continue
            answered.append(f"staff {method} {url} → {response.status_code}")
    assert not answered, f"admin URLs answered staff without permissions: {answered[:20]}"
    assert not changed(before, snapshot())
