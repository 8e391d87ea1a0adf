"""What the admin's browser journeys share: staff users in the groups the data migrations make,
and logging one in through the admin's login form."""

from django.urls import reverse

STAFF_PASSWORD = "a long staff password for the browser"


def make_staff(django_user_model, username, group):
    """A staff user `username` (str) in the Group named `group` ("Reporters", "Editors", "Moderators"),
    with STAFF_PASSWORD. The group must exist: transactional tests restore it with
    `newsroom.tests.migration_data.restore_migration_data` or get it from the data migrations."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, password=STAFF_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, site, username="editor"):
    """Log `username` in on the Playwright `page` through the admin's login form of the live `site`;
    returns when the admin index has loaded."""
    page.goto(site.url + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site.url + reverse("admin:index"))
