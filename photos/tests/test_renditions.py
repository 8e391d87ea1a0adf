"""Renditions: made when a photo is saved, never wider than the original, their sizes known without a file."""

import io

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from PIL import Image, ImageCms

from photos import renditions
from photos.figures import figure, render_figure
from photos.models import Photo
from photos.uploads import prepare_photo

from .factories import LIMITS, image_bytes, make_photo, upload

pytestmark = pytest.mark.django_db


def made(file):
    """(width, height, format) of a rendition file as stored."""
    with file.storage.open(file.name) as handle:
        image = Image.open(handle)
        return image.width, image.height, image.format


@pytest.fixture
def saved(django_capture_on_commit_callbacks):
    """Make a photo and run what its transaction's commit runs (the renditions)."""

    def save(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return make_photo(*args, **kwargs)

    return save


@pytest.mark.parametrize(
    ("width", "height"), [(1600, 1000), (2001, 1333), (1000, 700), (333, 999), (4000, 300), (1201, 801)]
)
def test_each_rendition_is_the_size_the_page_says(saved, width, height):
    photo = saved(width, height)
    shown = [*photo.srcset_renditions(), photo.card_rendition(), photo.share_rendition()]
    files = photo.rendition_files()
    assert [made(file)[:2] for file in files] == [(item.width, item.height) for item in shown]
    assert [made(file)[2] for file in files] == ["WEBP"] * (len(files) - 1) + ["JPEG"]


def test_a_wide_original_gets_four_srcset_widths_and_a_1200_share_image(saved):
    photo = saved(2400, 1600)
    assert [(item.width, item.height) for item in photo.srcset_renditions()] == [
        (480, 320),
        (800, 533),
        (1200, 800),
        (1600, 1067),
    ]
    assert (photo.share_rendition().width, photo.share_rendition().height) == (1200, 800)
    assert (photo.card_rendition().width, photo.card_rendition().height) == (300, 200)


def test_no_rendition_is_wider_than_the_original_and_none_repeats_it(saved):
    photo = saved(1000, 750)
    assert [item.width for item in photo.srcset_renditions()] == [480, 800, 1000]
    assert photo.share_rendition().width == 1000
    # The 1600 width would be the same 1000 px picture again: it is neither offered nor made.
    assert not default_storage.exists(photo.w1600.name)
    assert default_storage.exists(photo.w1200.name)


def test_renditions_are_made_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo = make_photo(1600, 1000)
        assert not default_storage.exists(photo.w480.name)
    assert len(callbacks) == 6  # four widths, the card, the share image
    for callback in callbacks:
        callback()
    assert all(default_storage.exists(file.name) for file in photo.rendition_files())


def test_renditions_are_converted_to_srgb_and_carry_no_profile(django_capture_on_commit_callbacks):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    prepared = prepare_photo(upload(image_bytes(900, 600, icc_profile=profile)), **LIMITS)
    photo = Photo(alt_text="A test", credit="Test")
    photo.take(prepared)
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
    with photo.image.open() as original:
        assert Image.open(original).info["icc_profile"] == profile
    for file in photo.rendition_files():
        with file.storage.open(file.name) as handle:
            assert "icc_profile" not in Image.open(handle).info


def test_rendering_a_figure_asks_the_storage_nothing_and_the_database_nothing(
    saved, monkeypatch, django_assert_num_queries
):
    photo = saved(1600, 1000)
    photo = Photo.objects.get(pk=photo.pk)

    def refuse(*args, **kwargs):
        pytest.fail("the storage was asked about a file while a page was rendered")

    for method in ("exists", "open", "size", "path", "listdir", "get_modified_time"):
        monkeypatch.setattr(FileSystemStorage, method, refuse)
    with django_assert_num_queries(0):
        html = render_figure(photo, "ko", lazy=True)
        card = photo.card_rendition()
        share = photo.share_rendition()
    assert html.count("w,") == 3 and "1600w" in html
    assert card.url.endswith(".webp") and share.url.endswith(".jpg")


def test_the_figure_names_the_real_widths_and_the_fallback(saved):
    photo = saved(1000, 600)
    shown = figure(photo, "en", lazy=False)
    urls = [item.url for item in photo.srcset_renditions()]
    assert shown.srcset == f"{urls[0]} 480w, {urls[1]} 800w, {urls[2]} 1000w"
    assert (shown.src, shown.width, shown.height) == (urls[1], 800, 480)
    assert shown.sizes == "(min-width: 43.5rem) 42rem, calc(100vw - 1.5rem)"


def test_a_small_original_falls_back_on_its_own_width(saved):
    photo = saved(400, 300)
    assert [item.width for item in photo.srcset_renditions()] == [400]
    assert figure(photo, "en", lazy=True).width == 400


def test_fitted_size_follows_pilkit_without_upscaling():
    assert renditions.fitted_size(1600, 1067, 800) == (800, 534)
    assert renditions.fitted_size(800, 600, 800) == (800, 600)
    assert renditions.fitted_size(500, 400, 800) == (500, 400)


def test_generate_renditions_makes_missing_files_again(saved):
    photo = saved(1600, 1000)
    default_storage.delete(photo.w800.name)
    call_command("generate_renditions", "--force", stdout=io.StringIO())
    assert made(photo.w800)[:2] == (800, 500)


def test_deleting_a_photo_deletes_its_files(saved, django_capture_on_commit_callbacks):
    photo = saved(1600, 1000)
    names = [photo.image.name, *(file.name for file in photo.rendition_files())]
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert not any(default_storage.exists(name) for name in names)
