"""Reading an export file through once, with a progress bar, for the import commands
(`import_wordpress`, `import_disqus`): one place for the bar, the byte counting and the errors."""

import sys

from django.core.management.base import CommandError
from tqdm import tqdm


class CountingReader:
    """A binary file whose reads move a progress bar by the bytes read."""

    def __init__(self, handle, bar):
        self.handle, self.bar, self.name = handle, bar, handle.name

    def read(self, size=-1):
        chunk = self.handle.read(size)
        self.bar.update(len(chunk))
        return chunk


def read_through(path, index, malformed, *, progress):
    """`index(file)` (a function reading a whole binary file into an index) over the file at `path`
    (a Path), with a bar of its bytes on stderr when `progress`; returns what `index` returns.

    Raises CommandError "… (nothing was imported)" for an error of the `malformed` class (the
    reader's own, which says file:line:column) and for an OSError (unreadable, vanished).
    """
    try:
        with (
            path.open("rb") as handle,
            tqdm(
                total=path.stat().st_size,
                unit="B",
                unit_scale=True,
                desc=f"checking {path.name}",
                file=sys.stderr,
                disable=not progress,
                leave=False,
            ) as bar,
        ):
            return index(CountingReader(handle, bar))
    except malformed as error:
        raise CommandError(f"{error} (nothing was imported)") from None
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror or error} (nothing was imported)") from None
