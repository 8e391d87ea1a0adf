"""Moving a site's Disqus comments onto its stories (issue 10): `python manage.py import_disqus EXPORT.xml`.

- `export`: the export read as a stream of dataclasses (`read_export`, `index_export`), errors as
  `DisqusExportError`; `message_text` makes a comment's HTML our plain text. Pure.
- `saving`: threads matched to stories by their link, comments saved a batch at a time
  (`DisqusImport`), by the rules every import of comments follows (`comments.imports`).
"""
