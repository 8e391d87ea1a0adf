"""`manage.py import_videos`: the demo's video, set once, other hosts refused with a reason."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Story

from .factories import make_story

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "demo"


def run(path):
    out = StringIO()
    call_command("import_videos", str(path), stdout=out)
    return out.getvalue()


def videos_file(tmp_path, entries):
    path = tmp_path / "videos.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


@pytest.fixture
def story():
    return make_story(slug="film-night")


def test_sets_the_video_once_and_moves_the_page_version(tmp_path, story):
    path = videos_file(tmp_path, [{"story": "film-night", "video": " https://youtu.be/aqz-KE-bpKQ "}])
    version = Story.objects.get(pk=story.pk).page_version
    assert "1 video(s) set, 0 already there." in run(path)
    stored = Story.objects.get(pk=story.pk)
    assert stored.video_url == "https://youtu.be/aqz-KE-bpKQ"
    assert stored.page_version > version
    assert "0 video(s) set, 1 already there." in run(path)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ({"story": "film-night", "video": "https://www.dailymotion.com/video/x8abcd"}, "Only YouTube and Vimeo"),
        ({"story": "no-such-story", "video": "https://youtu.be/aqz-KE-bpKQ"}, "no story with the slug"),
        ({"story": "film-night"}, "expected the keys story and video"),
        ({"story": "film-night", "video": 42}, "expected the keys story and video"),
    ],
)
def test_refuses_an_entry_naming_it_and_sets_nothing(tmp_path, story, entry, reason):
    good = {"story": "film-night", "video": "https://vimeo.com/76979871"}
    with pytest.raises(CommandError, match=rf"video 2: .*{reason}"):
        run(videos_file(tmp_path, [good, entry]))
    assert Story.objects.get(pk=story.pk).video_url is None


def test_demo_video_goes_to_the_demo_film_night_story():
    call_command("import_story", str(DEMO / "stories"), stdout=StringIO(), stderr=StringIO())
    run(DEMO / "videos.json")
    story = Story.objects.get(slug="riverside-film-night-screens-open-licence-animated-short-big-buck-bunny")
    assert story.video.host_name == "YouTube"
    assert story.video.id == "aqz-KE-bpKQ"
