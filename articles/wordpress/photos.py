"""Photos for imported posts: files from a copy of WordPress's uploads folder, into the photo library.

Never fetched over the network: an image is a file under `--uploads DIR` (a copy of
`wp-content/uploads`), or it is listed as missing. Each file goes through the same checks and
preparation as an upload in admin (`photos.uploads.prepare_photo`: formats by content, size and
pixel limits, EXIF stripped); the same file twice is the one photo (its checksum), so a re-run or
two posts showing one image add nothing.

A photo's words come from WordPress: alternative text from the attachment's
`_wp_attachment_image_alt` (else the image's own alt, its caption, the attachment's title or the
file's name), caption from the attachment's excerpt (else the caption around the image), credit
the site's name (WordPress has no credit field). Hangul words go to the Korean fields.
"""

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

from photos.models import Photo
from photos.uploads import file_checksum, prepare_photo

from ..models import mostly_hangul
from .index import RESIZED_COPY

ALT_LENGTH = 300
CAPTION_LENGTH = 600
CREDIT_LENGTH = 200


@dataclass
class LibraryPhoto:
    """A photo of the library an import uses: `checksum` (the file's SHA-256, its identity), `url`
    (where the original is served), `caption` (as the photo carries it) and `photo` (the `Photo`).

    One still to be made (`PhotoImporter.make`) has no `photo` yet and a stand-in `url`, and keeps
    the `prepared` file and the `words` and `name` it will be made with."""

    checksum: str
    url: str
    caption: str
    photo: Photo | None
    prepared: object = None
    words: object = None
    name: str = ""

    @property
    def is_new(self):
        return self.photo is None


@dataclass(frozen=True)
class PhotoWords:
    """What WordPress says of an image: `alt`, `caption`, `title` (plain text, "" when absent)."""

    alt: str = ""
    caption: str = ""
    title: str = ""


def clip(text, length):
    return text.strip()[:length].strip()


class UploadsFolder:
    """A copy of `wp-content/uploads` (`root`, a Path); None-safe lookups of files inside it."""

    def __init__(self, root):
        self.root = Path(root).resolve()

    def find(self, relative):
        """The Path of `relative` (str: "2024/05/quay.jpg") inside the folder, or None when it is
        not there or would leave the folder ("../", an absolute path)."""
        if not relative or "\x00" in relative:
            return None
        parts = PurePosixPath(relative.replace("\\", "/")).parts
        if not parts or parts[0] == "/" or ".." in parts:
            return None
        path = self.root.joinpath(*parts)
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(self.root) or not resolved.is_file():
            return None
        return resolved


class PhotoImporter:
    """Finds or makes the library photo of an uploads file, and keeps what could not be used.

    `uploads` is an `UploadsFolder` or None (no `--uploads`: every image is missing). `credit` is
    the credit of new photos (the site's name). With `dry_run` nothing is stored (files are still
    checked) and `make` only counts.

    `missing` (set of str: files not in the uploads folder, as WordPress named them; none without a
    folder) and `refused` ({file: reason}) collect the files that gave no photo.
    """

    def __init__(self, uploads, credit, *, dry_run=False):
        self.uploads = uploads
        self.credit = clip(credit, CREDIT_LENGTH) or "WordPress"
        self.dry_run = dry_run
        self.missing = set()
        self.refused = {}
        self._checksums = {}
        self._dry_run_made = set()

    def locate(self, relative):
        """The Path of the uploads file `relative` names, or of the original of a resized copy; None."""
        if self.uploads is None:
            return None
        found = self.uploads.find(relative)
        if found is None and RESIZED_COPY.search(relative):
            found = self.uploads.find(RESIZED_COPY.sub("", relative))
        return found

    def find(self, relative, words):
        """The `LibraryPhoto` of the uploads file `relative` (str): the library's photo of that file,
        or one still to be made with `words` (`PhotoWords`); None when the file is missing or refused
        (noted in `missing` / `refused`). Writes nothing."""
        path = self.locate(relative)
        if path is None:
            if self.uploads is not None:
                self.missing.add(relative)
            return None
        checksum = self._checksums.get(path)
        try:
            with path.open("rb") as handle:
                upload = File(handle, name=path.name)
                if checksum is None:
                    checksum = self._checksums[path] = file_checksum(upload)
                existing = Photo.objects.filter(checksum=checksum).first()
                if existing is not None:
                    return LibraryPhoto(checksum, existing.image.url, existing.caption or existing.caption_ko, existing)
                prepared = prepare_photo(
                    upload, max_bytes=settings.NEWSROOM_PHOTO_MAX_BYTES, max_pixels=settings.NEWSROOM_PHOTO_MAX_PIXELS
                )
        except OSError as error:
            self.refused[relative] = error.strerror or str(error)
            return None
        except ValidationError as error:
            self.refused[relative] = " ".join(error.messages)
            return None
        photo = self.new_photo(words, Path(relative).stem)
        # A stand-in address until the photo is made: the library's names are random.
        url = f"{settings.MEDIA_URL}photos/{checksum[:16]}"
        return LibraryPhoto(checksum, url, photo.caption or photo.caption_ko, None, prepared, words, relative)

    def make(self, planned):
        """Store the photo `planned` (a `LibraryPhoto` still to be made) in the library, inside the
        caller's transaction: a post that fails takes its new photos back with it (the stored
        original stays in the storage as a file nothing points at). Sets its `photo` and `url`;
        returns True when it was made now, False when it was there already (another post of this
        run made it). A dry run stores nothing and returns True once per file."""
        if not planned.is_new:
            return False
        if self.dry_run:
            made = planned.checksum not in self._dry_run_made
            self._dry_run_made.add(planned.checksum)
            return made
        existing = Photo.objects.filter(checksum=planned.checksum).first()
        if existing is None:
            existing = self.new_photo(planned.words, Path(planned.name).stem)
            existing.take(planned.prepared)
            existing.full_clean()
            existing.save()
            made = True
        else:
            made = False
        planned.photo, planned.url, planned.prepared = existing, existing.image.url, None
        return made

    def new_photo(self, words, file_stem):
        """An unsaved `Photo` with WordPress's words: alt text never empty (a photo needs one)."""
        alt = clip(words.alt or words.caption or words.title or file_stem.replace("-", " "), ALT_LENGTH)
        caption = clip(words.caption, CAPTION_LENGTH)
        photo = Photo(credit=self.credit)
        if mostly_hangul(alt):
            photo.alt_text_ko = alt
        else:
            photo.alt_text = alt
        if mostly_hangul(caption):
            photo.caption_ko = caption
        else:
            photo.caption = caption
        return photo

    def missing_files(self):
        """The missing files, sorted (str, as the export named them inside the uploads folder)."""
        return sorted(self.missing)


def uploads_folder(path):
    """An `UploadsFolder` for `--uploads` (str or Path), or None for None. Raises NotADirectoryError."""
    if path is None:
        return None
    if not os.path.isdir(path):
        raise NotADirectoryError(f"{path}: not a folder")
    return UploadsFolder(path)
