"""Admin changelist filters, selected rows and object ids no row can have: never a 500, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin as django_admin
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.tests.factories import make_outlet, make_story
from comments.tests.factories import make_comment

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
BIGINT_PAST = str(2**63)  # one past the largest 64-bit integer: SQLite's OverflowError
BIGINT_BEFORE = str(-(2**63) - 1)
UNFILTERED = "?e=1"  # Django's own answer to a filter it cannot apply
NOT_UNDERSTOOD = "Request not understood"
BLOCKED_ADDRESS = "198.51.100.7"


@pytest.fixture
def admin(admin_client):
    """A superuser's client, answering as a server would: a view's exception is a 500, not a raise."""
    admin_client.raise_request_exception = False
    return admin_client


@pytest.fixture
def rows():
    """A row in every changelist: a story with a comment, axes' attempt, login and failure logs."""
    story = make_story(outlet=make_outlet(name="Harbour Times"), hashtags=["ferry"])
    comment = make_comment(story)
    axes_fields = {"user_agent": "pytest", "ip_address": BLOCKED_ADDRESS, "username": "editor", "http_accept": "*/*"}
    attempt = AccessAttempt.objects.create(
        **axes_fields, path_info="/admin/login/", get_data="", post_data="", failures_since_start=5
    )
    AccessLog.objects.create(**axes_fields, path_info="/admin/login/")
    AccessFailureLog.objects.create(**axes_fields, path_info="/admin/login/", locked_out=True)
    return {"story": story, "comment": comment, "attempt": attempt}


def assert_back_to_the_unfiltered_list(response, changelist):
    assert response.status_code == 302
    assert response.headers["Location"] == changelist + UNFILTERED


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize(
    "query",
    [
        f"created_at__year={HUGE}",
        "created_at__year=10000",
        "created_at__year=9999",  # the date hierarchy's year would end in 10000
        "created_at__year=0",
        "created_at__year=-1",
        "created_at__year=2024&created_at__month=0",
        f"created_at__year=2024&created_at__month={HUGE}",
        "created_at__year=2024&created_at__month=-1",
        "created_at__year=9999&created_at__month=12",
        "created_at__year=9999&created_at__month=12&created_at__day=31",
        f"created_at__year=2024&created_at__month=5&created_at__day={HUGE}",
        "created_at__month=10000",
        "created_at__day=10000",
        f"created_at__date__year={HUGE}",
        "created_at__date__gte=0001-01-01",
        "created_at__gte=0001-01-01",
        "created_at__gte=9999-12-31",
        f"id__in=1,{HUGE}",
        f"id__in=1,{BIGINT_PAST}",
        f"pk={HUGE}",
        f"id={BIGINT_PAST}",
        f"id__gte={BIGINT_BEFORE}",
        f"story__id__exact={HUGE}",
        f"story__id__exact={BIGINT_PAST}",
        f"parent__id__exact={HUGE}",
        f"story={BIGINT_PAST}",
        "ip_address=x",
        "ip_address=%23",
        "ip_address=0",
        "ip_address=-1",
        "ip_address=%E2%80%8B",  # U+200B
        "ip_address__in=198.51.100.7,x",
        "text__regex=(",
    ],
)
def test_a_comment_filter_no_row_can_match_gets_the_unfiltered_list(admin, query):
    changelist = reverse("admin:comments_comment_changelist")
    assert_back_to_the_unfiltered_list(admin.get(f"{changelist}?{query}"), changelist)


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize(
    "query",
    [
        f"published_at__year={HUGE}",
        "published_at__year=10000",
        "published_at__year=0",
        "published_at__year=2024&published_at__month=0",
        "published_at__year=2024&published_at__month=5&published_at__day=-1",
        "updated_at__year=10000",
        f"outlet__id__exact={BIGINT_PAST}",
        f"hashtags__id__exact={HUGE}",
        f"hashtags__in=1,{HUGE}",
        f"id__in={HUGE}",
        "headline__iregex=[",
    ],
)
def test_a_story_filter_no_row_can_match_gets_the_unfiltered_list(admin, query):
    changelist = reverse("admin:articles_story_changelist")
    assert_back_to_the_unfiltered_list(admin.get(f"{changelist}?{query}"), changelist)


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize("model", ["accessattempt", "accesslog", "accessfailurelog"])
@pytest.mark.parametrize("query", [f"attempt_time__year={HUGE}", "attempt_time__year=10000", "ip_address=x"])
def test_an_axes_log_filter_no_row_can_match_gets_the_unfiltered_list(admin, model, query):
    changelist = reverse(f"admin:axes_{model}_changelist")
    assert_back_to_the_unfiltered_list(admin.get(f"{changelist}?{query}"), changelist)


@pytest.mark.parametrize(
    "query",
    [
        "created_at__year=2024",
        "created_at__year=2024&created_at__month=5&created_at__day=31",
        "id__in=1,2",
        "ip_address=198.51.100.7",
        "ip_address=::ffff:198.51.100.7",
        "story__id__exact=1",
        "text__regex=^ferry",
    ],
)
def test_a_filter_rows_can_match_still_filters(admin, rows, query):
    changelist = reverse("admin:comments_comment_changelist")
    response = admin.get(f"{changelist}?{query}")
    assert response.status_code == 200
    assert "<title>Select comment to change" in response.content.decode()


def test_the_comment_filters_still_find_their_comment(admin, rows):
    comment = rows["comment"]
    comment.ip_address = BLOCKED_ADDRESS
    comment.save()
    changelist = reverse("admin:comments_comment_changelist")
    query = f"ip_address={BLOCKED_ADDRESS}&id__in={comment.pk}&created_at__year={comment.created_at.year}"
    page = admin.get(f"{changelist}?{query}").content.decode()
    assert reverse("admin:comments_comment_change", args=[comment.pk]) in page


def test_a_filter_that_fails_in_the_database_is_logged_and_gets_the_unfiltered_list(admin, rows, monkeypatch, caplog):
    """The net behind the check: a value error raised while the changelist runs, here from its count."""

    def refuse(*args, **kwargs):
        raise ValueError("a lookup the check does not know")

    monkeypatch.setattr(models.QuerySet, "count", refuse)
    changelist = reverse("admin:comments_comment_changelist")
    with caplog.at_level("WARNING", logger="resilience.admin_queries"):
        response = admin.get(f"{changelist}?status__exact=pending")
    assert_back_to_the_unfiltered_list(response, changelist)
    assert "status__exact=pending" in caplog.text


def test_an_unfiltered_list_that_fails_is_still_a_500(admin, rows, monkeypatch):
    """A list without filters that fails is a bug, not a visitor's value: no redirect hides it (or loops)."""

    def refuse(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(models.QuerySet, "count", refuse)
    changelist = reverse("admin:comments_comment_changelist")
    assert admin.get(changelist + UNFILTERED).status_code == 500


@pytest.mark.parametrize("value", [BIGINT_PAST, HUGE, BIGINT_BEFORE])
@pytest.mark.parametrize(
    ("changelist", "action"),
    [
        ("admin:comments_comment_changelist", "approve"),
        ("admin:comments_comment_changelist", "mark_spam"),
        ("admin:comments_comment_changelist", "remove"),
        ("admin:comments_comment_changelist", "hold"),
        ("admin:articles_story_changelist", "publish"),
        ("admin:articles_story_changelist", "unpublish"),
        ("admin:articles_story_changelist", "delete_selected"),
        ("admin:auth_user_changelist", "delete_selected"),
        ("admin:axes_accessattempt_changelist", "delete_selected"),
        ("admin:axes_accessattempt_changelist", "cleanup_expired_attempts"),
    ],
)
def test_admin_action_on_ids_beyond_the_column_range_gets_the_400_page(admin, rows, changelist, action, value):
    response = admin.post(reverse(changelist), {"action": action, "_selected_action": ["1", value], "index": "0"})
    assert response.status_code == 400
    assert NOT_UNDERSTOOD in response.content.decode()


def test_axes_cleanup_action_removes_expired_attempts_and_keeps_current_ones(admin, rows):
    current = rows["attempt"]
    expired = AccessAttempt.objects.create(
        user_agent="pytest", ip_address="203.0.113.9", username="reporter", http_accept="*/*",
        path_info="/admin/login/", get_data="", post_data="", failures_since_start=1,
    )  # fmt: skip
    AccessAttempt.objects.filter(pk=expired.pk).update(attempt_time=timezone.now() - dt.timedelta(hours=1))
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "cleanup_expired_attempts", "_selected_action": [str(current.pk)], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 expired access attempt cleaned up." in response.content.decode()
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [current.pk]


def test_deleting_an_access_attempt_still_unlocks_the_login(admin, rows):
    """README "Security": a superuser unlocks by deleting the attempt (delete_selected, confirmed)."""
    attempt = rows["attempt"]
    changelist = reverse("admin:axes_accessattempt_changelist")
    locked = admin.get(f"{changelist}?locked_out=yes").content.decode()
    assert reverse("admin:axes_accessattempt_change", args=[attempt.pk]) in locked
    selection = {"action": "delete_selected", "_selected_action": [str(attempt.pk)], "index": "0"}
    assert "<title>Delete multiple objects" in admin.post(changelist, selection).content.decode()
    assert admin.post(changelist, {**selection, "post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()


# The walk over every registered ModelAdmin: a battery of hostile values for each field a filter can name.
INTEGERS = [HUGE, BIGINT_PAST, BIGINT_BEFORE, "-1", "0"]
TEXT = ["x", "#", "\u200b", "-1", HUGE]
YEARS = [HUGE, "10000", "9999", "0", "-1"]
DATE_PARTS = {"month": ["0", "13", HUGE], "day": ["0", "32", HUGE]}
DATES = ["0001-01-01", "9999-12-31 23:59:59", "2024-02-30", HUGE]
ODD_IDS = [HUGE, BIGINT_PAST, "-1", "0", "%E2%80%8B"]


def hostile_queries(model, model_admin):
    """[query string] for one changelist: its pk, every concrete field (by kind), its search and filters."""
    queries = [f"pk={value}" for value in INTEGERS] + [f"pk__in=1,{value}" for value in INTEGERS]
    for field in model._meta.concrete_fields:
        name = field.name
        if field.is_relation:
            queries += [f"{name}__{field.target_field.attname}__exact={value}" for value in INTEGERS[:3]]
            queries += [f"{name}__in=1,{HUGE}"]
        elif isinstance(field, models.DateField):
            queries += [f"{name}__year={value}" for value in YEARS]
            queries += [f"{name}__year=2024&{name}__{part}={v}" for part, values in DATE_PARTS.items() for v in values]
            queries += [f"{name}__{part}={values[-1]}" for part, values in DATE_PARTS.items()]
            queries += [f"{name}__gte={value}" for value in DATES]
            queries += [f"{name}__year=9999&{name}__month=12&{name}__day=31", f"{name}__year=1&{name}__month=1"]
        elif isinstance(field, models.GenericIPAddressField | models.IntegerField | models.BooleanField):
            queries += [f"{name}={value}" for value in TEXT + INTEGERS[1:3]]
            queries += [f"{name}__in=1,{HUGE}"]
        elif isinstance(field, models.CharField | models.TextField):
            queries += [f"{name}__regex=(", f"{name}__iregex=[", f"{name}__gt={HUGE}"]
    for list_filter in model_admin.list_filter:
        parameter = getattr(list_filter, "parameter_name", None)
        queries += [f"{parameter}={value}" for value in TEXT] if parameter else []
    if model_admin.search_fields:
        queries += [f"q={value}" for value in TEXT + [BIGINT_PAST, "198.51.100.7", "::ffff:x"]]
    return queries


REGISTERED = sorted(django_admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[model._meta.label for model, _ in REGISTERED])
def test_no_hostile_filter_on_any_registered_changelist_answers_500(admin, rows, model, model_admin):
    options = model._meta
    changelist = reverse(f"admin:{options.app_label}_{options.model_name}_changelist")
    failures = []
    for query in hostile_queries(model, model_admin):
        status = admin.get(f"{changelist}?{query}").status_code
        if status >= 500:
            failures.append((query, status))
    assert failures == []


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[model._meta.label for model, _ in REGISTERED])
def test_no_odd_object_id_on_any_registered_admin_answers_500(admin, rows, model, model_admin):
    options = model._meta
    base = reverse(f"admin:{options.app_label}_{options.model_name}_changelist")
    failures = []
    for object_id in ODD_IDS:
        for view in ["change/", "delete/", "history/", ""]:
            status = admin.get(f"{base}{object_id}/{view}").status_code
            if status >= 500:
                failures.append((object_id, view, status))
    assert failures == []


@pytest.mark.parametrize("value", ["2024-01-01 10:00", "x", HUGE])
def test_an_add_form_prefilled_with_a_date_and_time_opens_without_it(admin, value):
    """Django's split date and time widget takes no text: the admin's prefill from the address was a 500."""
    add = reverse("admin:articles_story_add")
    response = admin.get(add, {"published_at": value, "headline": "Ferry"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{add}?headline=Ferry"
    page = admin.get(response.headers["Location"]).content.decode()
    assert 'value="Ferry"' in page
