"""Signals other apps may listen to, so `articles` never has to import them."""

from django.dispatch import Signal

# Sent by `importing.save_story` inside its transaction, with `story` and `parsed`
# (the ParsedStory). A receiver that raises rolls the whole page back.
story_imported = Signal()

# Sent by `wordpress.saving.SiteImport.save_post` inside the post's transaction, once its story is
# saved (or found unchanged or kept), with `story` (None in a dry run for a story still to be made),
# `post` (the `articles.wordpress.Post`, its comments included), `site` (the `ImportedSite`; None in
# a dry run of a site never imported), `tally` (the post's `articles.wordpress.saving.Tally`, for
# the receiver's counts), `dry_run` and `overwrite` (bools). A receiver that raises fails the post.
wordpress_post_imported = Signal()
