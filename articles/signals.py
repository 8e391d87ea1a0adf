"""Signals other apps may listen to, so `articles` never has to import them."""

from django.dispatch import Signal

# Sent by `importing.save_story` inside its transaction, with `story` and `parsed`
# (the ParsedStory). A receiver that raises rolls the whole page back.
story_imported = Signal()
