"""Template helpers for story pages."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def dateline(story):
    """`<time>` with the publication time in the outlet's zone: 2024-11-04, 20:00 (KST)."""
    local = story.dateline
    if local is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(timespec="seconds"),
        f"{local:%Y-%m-%d, %H:%M} ({local.tzname()})",
    )
