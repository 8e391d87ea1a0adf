"""Clean the text of every save; keep cached pages fresh when a model that pages show beside stories changes.

Stories and comments move their pages' versions themselves (`Story.save`, `StoryQuerySet.update`,
`Comment.save`, `CommentQuerySet.update`): what is here are the models around them (outlets, links,
hashtags, corrections, photos, sections, pins) and the deletion of a story, whatever deletes it.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from photos.models import Photo

from .models import (
    Correction,
    FrontPagePin,
    Hashtag,
    ListingsVersion,
    Outlet,
    Section,
    SocialLink,
    Story,
    StoryHashtag,
    clean_text_fields,
)


@receiver(pre_save)
def clean_stored_text(sender, instance, **kwargs):
    """Whatever saves a story, outlet, link, hashtag or photo stores clean text (see `clean_text_fields`)."""
    if sender._meta.app_label in ("articles", "photos"):
        clean_text_fields(instance)


@receiver(pre_save, sender=Story)
def store_clean_bodies(sender, instance, **kwargs):
    """Whatever saves a story (a revision written back too) stores its bodies cleaned (`Story.store_bodies`).

    After `clean_stored_text` (connected first): the bodies' text is already free of what no field may hold.
    """
    instance.store_bodies()


@receiver([post_save, post_delete], sender=Outlet)
def outlet_changed(sender, instance, **kwargs):
    Story.objects.filter(outlet_id=instance.pk).bump_page_version()


@receiver([post_save, post_delete], sender=SocialLink)
def social_link_changed(sender, instance, **kwargs):
    Story.objects.filter(outlet_id=instance.outlet_id).bump_page_version()


@receiver(post_save, sender=Hashtag)
def hashtag_renamed(sender, instance, **kwargs):
    Story.objects.filter(hashtags=instance).bump_page_version()


@receiver([post_save, post_delete], sender=StoryHashtag)
def story_hashtags_changed(sender, instance, **kwargs):
    # Stories with this hashtag list their related stories by shared hashtags: theirs change too.
    with_the_tag = StoryHashtag.objects.filter(hashtag_id=instance.hashtag_id).values("story_id")
    Story.objects.filter(Q(pk=instance.story_id) | Q(pk__in=with_the_tag)).bump_page_version()


@receiver([post_save, post_delete], sender=Correction)
def correction_changed(sender, instance, **kwargs):
    # The story page shows its corrections: its cached copies are stale, and the story was modified
    # (JSON-LD dateModified, feeds, sitemap lastmod).
    # update() moves the versions of the story and of the pages listing it (cards mark a corrected story).
    Story.objects.filter(pk=instance.story_id).update(updated_at=timezone.now())


@receiver(post_save, sender=Photo)
def photo_changed(sender, instance, **kwargs):
    # A story page shows its lead photo's words (alternative text, caption, credit) and its related
    # stories' card pictures: the pages of the stories it leads, and of those listing them, move on;
    # and the figures of the photos placed in its bodies: the pages of those stories (no card shows them).
    # (A photo a story uses cannot be deleted: Story.lead_photo and StoryBodyPhoto protect it.)
    Story.objects.filter(lead_photo=instance).with_related().bump_page_version()
    Story.objects.filter(body_photo_links__photo=instance).bump_page_version()


@receiver([post_save, post_delete], sender=Section)
def section_changed(sender, instance, **kwargs):
    # Every page's masthead names the sections, cached story pages too: all of them move on.
    # One UPDATE of the whole table; sections change a few times a year.
    Story.objects.all().bump_page_version()


@receiver([post_save, post_delete], sender=FrontPagePin)
def pin_changed(sender, instance, **kwargs):
    # Pins show on the front page only, one of the listings.
    ListingsVersion.move()


@receiver(pre_delete, sender=Story)
def story_deleted(sender, instance, **kwargs):
    # Before the links go: the stories listing this one among their related stories, and every listing.
    # (Its own page answers 404 from the next request: the page cache asks for a public story by slug.)
    Story.objects.filter(pk=instance.pk).with_related().bump_page_version()
