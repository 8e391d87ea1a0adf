"""A deleted photo takes its original and its renditions out of the storage, once the deletion is committed."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Photo

logger = logging.getLogger(__name__)

RENDITION_FIELDS = ("w480", "w800", "w1200", "w1600", "card", "share")


@receiver(post_delete, sender=Photo)
def delete_photo_files(sender, instance, **kwargs):
    names = [instance.image.name, *(getattr(instance, field).name for field in RENDITION_FIELDS)]
    storage = instance.image.storage

    def delete():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete %s of a deleted photo", name)

    transaction.on_commit(delete)
