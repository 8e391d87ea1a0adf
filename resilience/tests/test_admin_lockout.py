"""Admin login throttling: five failures lock one username from one address for 15 minutes."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

LOGIN = reverse("admin:login")
PASSWORD = "correct horse battery staple"
LOCKED_MESSAGE = (
    "Too many failed logins for this account from your address. "
    "Try again in 15 minutes or ask an administrator to unlock it."
)


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


def log_in(client, password, username="editor", **headers):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **headers)


def fail_five_times(client, username="editor", **headers):
    """Five wrong passwords: four get the form back with Django's error, the fifth the lockout page."""
    statuses = [
        log_in(client, f"wrong password {number}", username=username, **headers).status_code for number in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]


def is_logged_in(response):
    return response.status_code == 302 and response.url == "/admin/"


def test_the_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(editor):
    client = Client(REMOTE_ADDR="198.51.100.7")
    fail_five_times(client)
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert LOCKED_MESSAGE in " ".join(response.content.decode().split())
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock_the_account(editor):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for number in range(4):
        log_in(client, f"wrong password {number}")
    assert is_logged_in(log_in(client, PASSWORD))


def test_the_same_account_from_another_address_is_not_locked(editor):
    fail_five_times(Client(REMOTE_ADDR="198.51.100.7"))
    assert is_logged_in(log_in(Client(REMOTE_ADDR="203.0.113.9"), PASSWORD))


def test_another_account_from_the_locked_address_is_not_locked(editor, django_user_model):
    django_user_model.objects.create_user("reporter", password=PASSWORD, is_staff=True)
    client = Client(REMOTE_ADDR="198.51.100.7")
    fail_five_times(client)
    assert is_logged_in(log_in(client, PASSWORD, username="reporter"))


def test_the_lock_ends_after_fifteen_minutes(editor):
    client = Client(REMOTE_ADDR="198.51.100.7")
    fail_five_times(client)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - dt.timedelta(minutes=16))
    assert is_logged_in(log_in(client, PASSWORD))


def test_a_superuser_unlocks_the_account_by_deleting_its_attempt_in_the_admin(editor, admin_client):
    client = Client(REMOTE_ADDR="198.51.100.7")
    fail_five_times(client)
    attempt = AccessAttempt.objects.get()
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "editor" in admin_client.get(changelist + "?locked_out=yes").content.decode()
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert is_logged_in(log_in(client, PASSWORD))


def test_moderators_and_editors_cannot_see_or_unlock_login_attempts(django_user_model):
    user = django_user_model.objects.create_user("moderator", password=PASSWORD, is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=["Moderators", "Editors"]))
    client = Client()
    client.force_login(user)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_staff_given_the_access_attempt_permissions_can_unlock(django_user_model):
    user = django_user_model.objects.create_user("security", password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="axes", codename__in=["view_accessattempt", "delete_accessattempt"]
        )
    )
    client = Client()
    client.force_login(user)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200


def test_behind_a_trusted_proxy_the_lock_is_per_forwarded_client_address(editor, settings):
    settings.COMMENTS_TRUST_X_FORWARDED_FOR = True
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    fail_five_times(proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    assert log_in(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert is_logged_in(log_in(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9"))


def test_without_a_trusted_proxy_a_forged_forwarded_header_does_not_escape_the_lock(editor, settings):
    settings.COMMENTS_TRUST_X_FORWARDED_FOR = False
    client = Client(REMOTE_ADDR="198.51.100.7")
    fail_five_times(client, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 429


def test_a_mapped_ipv6_address_is_locked_with_its_ipv4_address(editor):
    fail_five_times(Client(REMOTE_ADDR="::ffff:198.51.100.7"))
    assert log_in(Client(REMOTE_ADDR="198.51.100.7"), PASSWORD).status_code == 429
