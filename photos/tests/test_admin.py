"""The photo library in admin: who uploads and changes what, the refusals at the field, search by caption."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from photos.models import Photo

from .factories import image_bytes, make_photo

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/photos/photo/add/"
WORDS = {
    "alt_text": "A ferry leaving the harbour",
    "alt_text_ko": "항구를 떠나는 여객선",
    "caption": "The morning ferry to Jeju.",
    "caption_ko": "제주행 아침 여객선.",
    "credit": "Kim Ji-ho / Newsroom",
}


@pytest.fixture
def staff(client, django_user_model):
    """log_in(group) → a client logged in as a new staff member of that group (Reporters, Editors, Moderators)."""

    def log_in(group, username=None):
        user = django_user_model.objects.create_user(username or group.lower(), password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        return user

    return log_in


def send(client, content, name="ferry.jpg", **fields):
    return client.post(ADD_URL, {**WORDS, **fields, "image": SimpleUploadedFile(name, content, "image/jpeg")})


def field_errors(response, field="image"):
    """The error texts the admin shows beside `field`."""
    html = response.content.decode()
    block = re.search(rf'<div class="form-row[^"]*field-{field}.*?</div>\s*</div>', html, re.S)
    assert block, f"no {field} row"
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", block.group(0), re.S)]


def test_a_reporter_uploads_a_photo_and_it_is_recorded_as_theirs(client, staff):
    reporter = staff("Reporters")
    content = image_bytes(1600, 1000)
    response = send(client, content, name="IMG_2041 Seo Yun's house.jpg")
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height, photo.file_format, photo.uploaded_by) == (1600, 1000, "JPEG", reporter)
    assert photo.file_size == photo.image.size
    assert re.fullmatch(r"photos/[A-Za-z0-9_-]{16}\.jpg", photo.image.name)  # nothing of the uploader's name
    assert (photo.caption, photo.caption_ko, photo.credit) == (WORDS["caption"], WORDS["caption_ko"], WORDS["credit"])


def test_a_text_file_named_jpg_is_refused_at_the_field(client, staff):
    staff("Reporters")
    response = send(client, b"not a photo at all")
    assert response.status_code == 200
    assert field_errors(response) == [
        "This file is not a JPEG, PNG or WebP photo (its content was checked, not its name)."
    ]
    assert Photo.objects.count() == 0


def test_a_20_mb_photo_reaches_the_form_and_one_byte_more_is_refused_with_a_message(client, staff, settings):
    staff("Editors")
    photo = image_bytes(1600, 1000)
    # Bytes after a JPEG's end marker are not part of the picture: a real photo of exactly 20 MB.
    exactly = photo + b"\0" * (settings.NEWSROOM_PHOTO_MAX_BYTES - len(photo))
    assert len(exactly) == 20 * 1024 * 1024 > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert send(client, exactly).status_code == 302
    assert Photo.objects.count() == 1

    response = send(client, image_bytes(1600, 1000) + b"\0" * settings.NEWSROOM_PHOTO_MAX_BYTES)
    assert response.status_code == 200
    [message] = field_errors(response)
    assert message.startswith("This file is 20.0\xa0MB; a photo may be at most 20.0\xa0MB.")
    assert Photo.objects.count() == 1


def test_the_same_file_twice_is_refused_with_a_link_to_the_photo_in_the_library(client, staff):
    staff("Editors")
    content = image_bytes(1600, 1000)
    send(client, content)
    response = send(client, content, name="again.jpg")
    first = Photo.objects.get()
    assert field_errors(response) == [f"This photo is in the library already: {first}"]
    assert f'href="{reverse("admin:photos_photo_change", args=[first.pk])}"' in response.content.decode()


def test_alternative_text_is_required_unless_the_photo_is_decorative(client, staff):
    staff("Editors")
    response = send(client, image_bytes(1600, 1000), alt_text="\u200b", alt_text_ko="")
    assert field_errors(response, "alt_text") == [
        "Write what the photo shows in English or Korean (or both), or tick “decorative” if it adds nothing a "
        "reader needs."
    ]
    assert send(client, image_bytes(1600, 1000), alt_text="", alt_text_ko="", decorative="on").status_code == 302
    assert Photo.objects.get().decorative


def test_one_language_of_alternative_text_is_enough(client, staff):
    staff("Editors")
    assert send(client, image_bytes(1600, 1000), alt_text="").status_code == 302


def test_the_change_form_edits_the_words_and_never_the_file(client, staff):
    staff("Editors")
    photo = make_photo()
    name = photo.image.name
    change = reverse("admin:photos_photo_change", args=[photo.pk])
    page = client.get(change).content.decode()
    assert 'type="file"' not in page
    assert "1600 × 1000 px" in page
    response = client.post(
        change, {**WORDS, "caption": "Corrected caption", "image": SimpleUploadedFile("x.jpg", b"x")}
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.caption, photo.image.name) == ("Corrected caption", name)


def test_a_reporter_changes_their_own_photos_only(client, staff, django_user_model):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    theirs = make_photo(uploaded_by=editor)
    reporter = staff("Reporters")
    own = make_photo(uploaded_by=reporter)
    assert (
        client.post(reverse("admin:photos_photo_change", args=[own.pk]), {**WORDS, "caption": "Mine"}).status_code
        == 302
    )
    response = client.post(reverse("admin:photos_photo_change", args=[theirs.pk]), {**WORDS, "caption": "Not mine"})
    assert response.status_code == 403
    assert client.get(reverse("admin:photos_photo_change", args=[theirs.pk])).status_code == 200  # read-only view
    assert client.post(reverse("admin:photos_photo_delete", args=[own.pk]), {"post": "yes"}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.caption == "The harbour at dawn."


def test_editors_change_and_delete_any_photo(client, staff, django_user_model):
    photo = make_photo(uploaded_by=django_user_model.objects.create_user("reporter", is_staff=True))
    staff("Editors")
    assert client.post(reverse("admin:photos_photo_change", args=[photo.pk]), {**WORDS}).status_code == 302
    assert client.post(reverse("admin:photos_photo_delete", args=[photo.pk]), {"post": "yes"}).status_code == 302
    assert not Photo.objects.exists()


def test_moderators_cannot_open_the_photo_library(client, staff):
    staff("Moderators")
    make_photo()
    assert client.get("/admin/photos/photo/").status_code == 403
    assert client.get(ADD_URL).status_code == 403


def test_the_library_is_searched_by_caption_in_either_language(client, staff):
    staff("Reporters")
    make_photo(caption="Lanterns over the night market", caption_ko="야시장의 등불")
    make_photo(caption="A ferry at the quay", caption_ko="부두의 여객선")
    for query, found in [("lanterns", "Lanterns over"), ("야시장", "Lanterns over"), ("quay", "A ferry at")]:
        page = client.get("/admin/photos/photo/", {"q": query}).content.decode()
        assert found in page
        assert page.count('class="photo-thumbnail"') == 1


def test_the_library_list_shows_thumbnails_and_sizes_in_a_fixed_number_of_queries(
    client, staff, django_assert_max_num_queries
):
    staff("Editors")
    for _ in range(8):
        make_photo()
    with django_assert_max_num_queries(12):
        page = client.get("/admin/photos/photo/").content.decode()
    assert page.count('class="photo-thumbnail"') == 8
    assert page.count("1600 × 1000") >= 8
