"""Photos for tests, drawn on the spot: every one different (the library refuses the same file twice)."""

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from photos.models import Photo
from photos.uploads import prepare_photo

_numbers = itertools.count(1)
LIMITS = {"max_bytes": 20 * 1024 * 1024, "max_pixels": 40_000_000}


def image_bytes(width=1600, height=1000, image_format="JPEG", mode="RGB", **save_options):
    """A picture `width` × `height` in `image_format`, with a shape and a number that make it unique."""
    number = next(_numbers)
    image = Image.new(mode, (width, height), (20 * number % 256, 90, 160) if mode == "RGB" else None)
    if mode in ("RGB", "RGBA"):
        draw = ImageDraw.Draw(image)
        draw.rectangle([width // 4, height // 4, width // 2, height // 2], fill=(240, 200, 40))
        draw.text((10, 10), str(number), fill=(255, 255, 255))
    output = io.BytesIO()
    image.save(output, image_format, **save_options)
    return output.getvalue()


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_photo(width=1600, height=1000, image_format="JPEG", **fields):
    """A stored Photo of a fresh picture, with English and Korean words (override any field)."""
    prepared = prepare_photo(upload(image_bytes(width, height, image_format)), **LIMITS)
    values = {
        "alt_text": "Ferries moored at a harbour under a yellow sky",
        "alt_text_ko": "노란 하늘 아래 항구에 정박한 여객선들",
        "caption": "The harbour at dawn.",
        "caption_ko": "새벽의 항구.",
        "credit": "Kim Ji-ho / Newsroom",
    }
    values.update(fields)
    photo = Photo(**values)
    photo.take(prepared)
    photo.full_clean()
    photo.save()
    return photo
