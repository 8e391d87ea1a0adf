"""An uploaded file becomes a stored original: checked by content, limits before decoding, upright, stripped."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageCms, ImageFile

from photos.uploads import prepare_photo

from .factories import LIMITS, image_bytes, upload

SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def refusal(content, name="photo.jpg", **limits):
    """The (code, message) prepare_photo refuses `content` with."""
    with pytest.raises(ValidationError) as caught:
        prepare_photo(upload(content, name), **{**LIMITS, **limits})
    error = caught.value
    return error.code, error.messages[0]


def exif_with_gps(orientation):
    """EXIF with an orientation, a camera, a time and a GPS position (a reporter's home, say)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x0132] = "2026:11:30 08:15:00"
    gps = {1: "N", 2: (37.0, 33.0, 10.0), 3: "E", 4: (126.0, 58.0, 40.0)}
    exif[0x8825] = gps
    return exif


def opened(prepared):
    return Image.open(io.BytesIO(prepared.content))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted_in_their_own_format(image_format):
    prepared = prepare_photo(upload(image_bytes(640, 480, image_format)), **LIMITS)
    assert (prepared.format, prepared.width, prepared.height) == (image_format, 640, 480)
    assert opened(prepared).format == image_format


def test_a_png_named_jpg_is_a_png():
    prepared = prepare_photo(upload(image_bytes(640, 480, "PNG"), name="holiday.jpg"), **LIMITS)
    assert (prepared.format, prepared.extension) == ("PNG", ".png")


@pytest.mark.parametrize(
    "content",
    [
        b"Just some text in a file called photo.jpg\n",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300"/></svg>',
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"",
    ],
    ids=["text", "svg", "pdf", "empty"],
)
def test_files_that_are_not_photos_are_refused_whatever_their_name(content):
    code, message = refusal(content, name="photo.jpg")
    assert code == "not_a_photo"
    assert message == "This file is not a JPEG, PNG or WebP photo (its content was checked, not its name)."


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused(image_format):
    assert refusal(image_bytes(640, 480, image_format), name="photo.png")[0] == "not_a_photo"


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(Image, "open", lambda *args, **kwargs: pytest.fail("the file was opened"))
    code, message = refusal(b"\xff\xd8" + b"\0" * 2000, max_bytes=1024)
    assert code == "too_large"
    assert message == "This file is 2.0\xa0KB; a photo may be at most 1.0\xa0KB. Export it smaller and upload it again."


def test_a_photo_of_the_limit_s_size_in_bytes_is_accepted():
    content = image_bytes(640, 480)
    assert prepare_photo(upload(content), max_bytes=len(content), max_pixels=LIMITS["max_pixels"]).width == 640


def test_too_many_pixels_are_refused_from_the_header_before_any_pixel_is_decoded(monkeypatch):
    # 8000 × 6000 one-bit pixels compress to a few kilobytes: 48 megapixels that would decode to 144 MB in RGB.
    bomb = io.BytesIO()
    Image.new("1", (8000, 6000)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < 20_000
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("pixels were decoded"))
    code, message = refusal(bomb.getvalue(), name="bomb.png")
    assert code == "too_many_pixels"
    assert message == (
        "This photo is 8000 × 6000 pixels (48 megapixels); a photo may have at most 40 megapixels. "
        "Export it smaller and upload it again."
    )


def test_pillow_s_own_bomb_guard_gives_the_same_kind_of_message(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    code, message = refusal(image_bytes(640, 480), max_pixels=10_000_000)
    assert code == "too_many_pixels"
    assert message == "This photo has more than 10 megapixels; a photo may have at most 10."


def test_a_photo_smaller_than_a_card_is_refused():
    code, message = refusal(image_bytes(299, 600))
    assert (code, message) == ("too_small", "This photo is 299 × 600 pixels; a photo must be at least 300 × 200.")


def test_a_truncated_file_is_refused_as_damaged():
    content = image_bytes(1200, 900, quality=95)
    assert refusal(content[: len(content) // 3])[0] == "damaged"


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_exif_orientation_is_applied_and_no_exif_gps_or_comment_is_stored(image_format):
    # Orientation 6: the camera was turned; the picture is stored 800 wide, shown 600 wide and 800 high.
    content = image_bytes(800, 600, image_format, exif=exif_with_gps(6).tobytes())
    assert Image.open(io.BytesIO(content)).getexif()[0x8825]  # the GPS block is in what was uploaded
    prepared = prepare_photo(upload(content), **LIMITS)
    stored = opened(prepared)
    assert (prepared.width, prepared.height) == stored.size == (600, 800)
    assert dict(stored.getexif()) == {}
    assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & set(stored.info)


def test_jpeg_comments_and_xmp_are_not_stored():
    content = image_bytes(640, 480, comment=b"shot at 12 Quiet Street", xmp=b"<x:xmpmeta>Home</x:xmpmeta>")
    assert b"Quiet Street" in content and b"xmpmeta" in content
    stored = prepare_photo(upload(content), **LIMITS).content
    assert b"Quiet Street" not in stored and b"xmpmeta" not in stored


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_the_colour_profile_is_kept(image_format):
    content = image_bytes(640, 480, image_format, icc_profile=SRGB_PROFILE)
    assert opened(prepare_photo(upload(content), **LIMITS)).info["icc_profile"] == SRGB_PROFILE


def test_png_transparency_is_kept():
    picture = Image.new("RGBA", (640, 480), (255, 0, 0, 0))
    output = io.BytesIO()
    picture.save(output, "PNG")
    stored = opened(prepare_photo(upload(output.getvalue(), name="logo.png"), **LIMITS))
    assert stored.mode == "RGBA" and stored.getpixel((5, 5))[3] == 0


def test_the_checksum_is_that_of_the_uploaded_file():
    import hashlib

    content = image_bytes(640, 480)
    assert prepare_photo(upload(content), **LIMITS).checksum == hashlib.sha256(content).hexdigest()
