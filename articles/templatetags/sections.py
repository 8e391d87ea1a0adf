"""The masthead's list of sections: `{% section_nav %}` in base.html, one query per page.

Not kept in the cache: story pages are cached whole with their masthead, and a saved or
deleted section moves every story's `page_version` (articles.receivers), so a renamed
section shows on every page at once. Error pages must not fail again: a page rendered
without a request (resilience's plain pages), or while the database is failing, has no
section links.
"""

import logging

from django import template
from django.db import DatabaseError, connection
from django.utils import translation

from articles.models import Section

logger = logging.getLogger(__name__)
register = template.Library()


@register.inclusion_tag("_section_nav.html", takes_context=True)
def section_nav(context):
    """{"links": [{"name", "lang", "url", "current"}]}: each section in masthead order, named in the page's language.

    `lang` is the language of the name when it differs from the page's (an English name on a
    Korean page, for a section without a Korean name); `current` marks the section page shown.
    """
    if context.get("request") is None or connection.needs_rollback:
        return {"links": []}
    language = translation.get_language()
    shown = context.get("section")
    try:
        sections = list(Section.objects.in_masthead_order().only("name", "name_ko", "slug"))
    except DatabaseError as error:
        logger.warning("Masthead without sections: %s", error)
        return {"links": []}
    links = []
    for section in sections:
        name_language = section.name_language_in(language)
        links.append(
            {
                "name": section.name_in(language),
                "lang": name_language if name_language != language else "",
                "url": section.get_absolute_url(),
                "current": isinstance(shown, Section) and shown.pk == section.pk,
            }
        )
    return {"links": links}
