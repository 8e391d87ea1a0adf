"""Reply notifications as deployed: gunicorn, the task worker, the file e-mail backend, and Chromium.

A commenter ticks "Tell me when someone replies", confirms from the mail file, is told when a
moderator publishes the comment, gets the reply another reader wrote once a moderator approves
it, and unsubscribes from the link in that mail.
"""

import email
import email.policy
import json
import re
import time

import pytest
from playwright.sync_api import expect

from conftest import axe_violations

from .live_site import STORY_PATH, live_site, site_python, start_worker, stop

pytestmark = [pytest.mark.browser, pytest.mark.live]

COMMENTER = {"name": "Park Min", "email": "park@example.org"}
MODERATOR_PASSWORD = "a-Long-pass-phrase-9"
SEPARATOR = "-" * 79  # between messages in one file of the file backend


def messages_in(folder):
    """Every message the file e-mail backend wrote into `folder`, parsed."""
    found = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_bytes().split(SEPARATOR.encode()):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
    return found


def wait_for_mail(folder, to, subject, seconds=30):
    """The message to `to` whose subject contains `subject`, once the worker has written it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in messages_in(folder):
            if message["To"] == to and subject in message["Subject"]:
                return message
        time.sleep(0.3)
    subjects = [message["Subject"] for message in messages_in(folder)]
    raise AssertionError(f"no message to {to} about {subject!r} in {seconds} s; there are {subjects}")


def link_in(message, path):
    return re.search(rf"http://\S+{re.escape(path)}\S*/", message.get_content())[0]


def make_moderator(env):
    site_python(
        env,
        "from django.contrib.auth.models import Group, User\n"
        f"user = User.objects.create_user('mod', 'mod@example.org', '{MODERATOR_PASSWORD}', is_staff=True)\n"
        "user.groups.add(Group.objects.get(name='Moderators'))\n",
    )


def approve_in_admin(admin, base, text):
    admin.goto(f"{base}/admin/comments/comment/?status__exact=pending")
    admin.locator("#result_list tbody tr", has_text=text).locator("input.action-select").check()
    admin.locator("select[name=action]").select_option("approve")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator("ul.messagelist")).to_contain_text("1 comment approved.")


def post_comment(page, text, person, notify=False, screenshot=None):
    page.get_by_role("textbox", name=re.compile("^Comment")).fill(text)
    page.get_by_role("textbox", name=re.compile("^Name")).fill(person["name"])
    page.get_by_role("textbox", name=re.compile("^Email")).fill(person["email"])
    if notify:
        page.get_by_role("checkbox", name="Tell me when someone replies").check()
    if screenshot:
        page.locator("#respond").screenshot(path=screenshot)
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator(".comment-held")).to_contain_text("Your comment is awaiting moderation.")


def subscriber_state(env):
    """[[address, confirmed, threads followed]] of every subscriber in the live site's database."""
    code = (
        "import json\nfrom comments.models import Subscriber\n"
        "rows = [[s.email, s.confirmed_at is not None, s.threads.count()] for s in Subscriber.objects.all()]\n"
        "print(json.dumps(rows))\n"
    )
    return json.loads(site_python(env, code))


def test_a_commenter_confirms_is_told_of_a_reply_and_unsubscribes(tmp_path, browser, artifacts_dir):
    folder = tmp_path / "sent-mail"
    knobs = {
        "NEWSROOM_COMMENTS_MIN_SECONDS": "0",
        "NEWSROOM_COMMENTS_FLOOD_SECONDS": "0",
        # Replies are batched for an hour in production; here the mail is due at once.
        "NEWSROOM_COMMENTS_NOTIFY_BATCH_MINUTES": "0",
        "DJANGO_EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(folder),
    }
    with live_site(tmp_path, workers=1, **knobs) as (host, env), open(tmp_path / "worker.log", "w") as log:
        base = f"http://{host}"
        make_moderator(env)
        worker = start_worker(env, log)
        try:
            commenter = browser.new_context().new_page()
            commenter.goto(base + STORY_PATH)
            post_comment(
                commenter,
                "Is the reading room open on Sundays too?",
                COMMENTER,
                notify=True,
                screenshot=artifacts_dir / "notifications-form.png",
            )

            confirmation = wait_for_mail(folder, COMMENTER["email"], "Confirm your address")
            commenter.goto(link_in(confirmation, "/en/notifications/confirm/"))
            expect(commenter.get_by_role("heading", level=1)).to_have_text("Confirm your address")
            assert subscriber_state(env) == [[COMMENTER["email"], False, 0]]  # opening the link changed nothing
            commenter.get_by_role("button", name="Confirm my address").click()
            expect(commenter.get_by_role("heading", level=1)).to_have_text("Your address is confirmed")
            commenter.screenshot(path=artifacts_dir / "notifications-confirmed.png", full_page=True)
            assert axe_violations(commenter) == []

            admin = browser.new_context().new_page()
            admin.goto(f"{base}/admin/")
            admin.get_by_label("Username").fill("mod")
            admin.get_by_label("Password").fill(MODERATOR_PASSWORD)
            admin.get_by_role("button", name="Log in").click()
            approve_in_admin(admin, base, "Is the reading room open on Sundays")
            wait_for_mail(folder, COMMENTER["email"], "is published")

            replier = browser.new_context().new_page()
            replier.goto(base + STORY_PATH)
            replier.get_by_role("link", name="Reply to Park Min").click()
            post_comment(replier, "Yes, from ten until six.", {"name": "Lee Da-eun", "email": "lee@example.org"})
            time.sleep(1)
            assert [m["Subject"] for m in messages_in(folder) if "new repl" in m["Subject"]] == []  # held: nothing
            approve_in_admin(admin, base, "Yes, from ten until six.")

            notification = wait_for_mail(folder, COMMENTER["email"], "A new reply on")
            body = notification.get_content()
            assert "Lee Da-eun" in body and "> Yes, from ten until six." in body
            assert notification["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            commenter.goto(link_in(notification, "/en/comments/"))
            reply = commenter.locator(".comment-replies .comment", has_text="Yes, from ten until six.")
            expect(reply).to_be_visible()
            assert re.search(r"#comment-\d+$", commenter.url)

            # A long header is folded; unfolded, it is the link in angle brackets (RFC 2369).
            unsubscribe_url = notification["List-Unsubscribe"].strip().removeprefix("<").removesuffix(">")
            assert unsubscribe_url in body
            commenter.goto(unsubscribe_url)
            expect(commenter.get_by_role("heading", level=1)).to_have_text("Stop reply notifications?")
            commenter.get_by_role("button", name="Unsubscribe").click()
            expect(commenter.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
            commenter.screenshot(path=artifacts_dir / "notifications-unsubscribed.png", full_page=True)
            assert axe_violations(commenter) == []
            commenter.goto(unsubscribe_url)  # the link works again, and says so
            expect(commenter.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
            assert subscriber_state(env) == [[COMMENTER["email"], False, 0]]
        finally:
            assert stop(worker) == 0
