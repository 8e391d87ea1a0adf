"""`manage.py import_photos FILE`: the demo's photos into the library, as lead photos of their stories, once."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from articles.models import Story
from photos.models import Photo
from photos.tests.factories import image_bytes

from .factories import make_story

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "demo"


def run(path):
    output = io.StringIO()
    call_command("import_photos", str(path), stdout=output)
    return output.getvalue().strip()


def entry(file, stories=(), **words):
    return {
        "file": file,
        "alt_text": "A ferry",
        "alt_text_ko": "여객선",
        "caption": "",
        "caption_ko": "",
        "credit": "Test",
        "stories": list(stories),
        **words,
    }


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "ferry.png").write_bytes(image_bytes(800, 600, "PNG"))
    return tmp_path


def test_the_demo_photos_are_ours_small_and_described_in_both_languages():
    entries = json.loads((DEMO / "photos.json").read_text(encoding="utf-8"))
    files = [DEMO / item["file"] for item in entries]
    assert sum(path.stat().st_size for path in files) < 2 * 1024 * 1024
    from PIL import Image

    assert max(Image.open(path).width for path in files) >= 1600
    assert all(item["alt_text"] and item["alt_text_ko"] and item["credit"] for item in entries)


def test_the_demo_file_imports_once_and_again_changes_nothing():
    call_command("import_story", str(DEMO / "stories"), stdout=io.StringIO())
    assert run(DEMO / "photos.json").endswith(
        "5 photo(s) added, 0 already there, 4 lead photo(s) set, 1 placed in a body."
    )
    assert run(DEMO / "photos.json").endswith(
        "0 photo(s) added, 5 already there, 0 lead photo(s) set, 0 placed in a body."
    )
    film = Story.objects.get(slug="riverside-film-night-screens-open-licence-animated-short-big-buck-bunny")
    assert film.lead_photo.caption_ko == "토요일 저녁 약 300명이 돗자리에 앉아 영화를 관람했다."
    assert (film.lead_photo.width, film.lead_photo.height) == (1600, 900)


def test_a_photo_is_placed_after_the_first_paragraph_of_the_bodies_named_once(folder):
    story = make_story(body="<p>First.</p><p>Second.</p>", body_ko="<p>첫째.</p><p>둘째.</p>")
    places = [{"story": story.slug, "field": "body"}, {"story": story.slug, "field": "body_ko"}]
    (folder / "photos.json").write_text(json.dumps([entry("ferry.png", in_bodies=places)]))
    run(folder / "photos.json")
    run(folder / "photos.json")
    photo = Photo.objects.get()
    story.refresh_from_db()
    assert (
        story.body == f'<p>First.</p><img data-photo="{photo.pk}" src="{photo.image.url}" alt="A ferry"><p>Second.</p>'
    )
    assert story.body_ko.count(f'data-photo="{photo.pk}"') == 1
    assert 'alt="여객선"' in story.body_ko
    page = Client().get(story.get_absolute_url()).content.decode()
    assert "<figure" in page and 'alt="A ferry"' in page


def test_a_photo_may_lead_several_stories(folder):
    first, second = make_story(), make_story()
    (folder / "photos.json").write_text(json.dumps([entry("ferry.png", [first.slug, second.slug])]))
    run(folder / "photos.json")
    photo = Photo.objects.get()
    assert {story.lead_photo_id for story in Story.objects.all()} == {photo.pk}
    assert photo.file_format == "PNG"


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([entry("ferry.png", ["no-such-story"])], "photo 1: no story with the slug “no-such-story”"),
        ([{"file": "ferry.png"}], "photo 1: expected the keys"),
        ([entry("ferry.png", in_bodies=[{"story": "x", "field": "intro"}])], "photo 1: each of in_bodies is"),
        ([entry("missing.jpg")], "photo 1: [Errno 2]"),
        ([entry("notes.jpg")], "This file is not a JPEG, PNG or WebP photo"),
        ([entry("other.png", alt_text="", alt_text_ko="")], "photo 1: Write what the photo shows"),
    ],
)
def test_a_bad_entry_is_refused_and_nothing_is_imported(folder, entries, message):
    (folder / "notes.jpg").write_text("not a photo")
    (folder / "other.png").write_bytes(image_bytes(800, 600, "PNG"))
    (folder / "photos.json").write_text(json.dumps([entry("ferry.png"), *entries]))
    with pytest.raises(CommandError) as caught:
        run(folder / "photos.json")
    assert message.replace("photo 1", "photo 2") in str(caught.value)
    assert Photo.objects.count() == 0
