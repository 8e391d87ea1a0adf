"""The block and hold lists and the site-wide switch, read from the database for the moderation rules.

Moderators edit the lists in admin (`ModerationListEntry`); every post reads them, so they are
cached. The cache key holds `SiteModeration.lists_version`, a random token that changes in the
same transaction as any entry (`receivers`), and the post reads that row anyway for the site-wide
pre-moderation switch: one query per post, a second when the lists changed. Every process sees a
change at its next post, on Redis or on each process's local-memory cache alike, with no restart.
(`bulk_create` and queryset `update()` send no signal: call `lists_changed()` after them.)

The environment's lists (`NEWSROOM_COMMENTS_BLOCKED_*`, `_MODERATION_KEYWORDS`) stay in force
beside the database's, as defaults that need no admin.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from articles.text import visible_text

from .addresses import parse_network
from .emails import domain_key
from .models import ModerationListEntry, SiteModeration
from .moderation import ListEntry, ModerationRules, keyword_pattern

SITE_ROW = 1
CACHE_SECONDS = 24 * 3600
# Networks wider than this would block or hold most of the internet: a slip of the keyboard.
WIDEST_PREFIX = {4: 8, 6: 16}

Kind, Action = ModerationListEntry.Kind, ModerationListEntry.Action
# (kind, action) -> the ModerationRules field the entries go into
RULE_FIELDS = {
    (Kind.KEYWORD, Action.BLOCK): "blocked_keywords",
    (Kind.KEYWORD, Action.HOLD): "moderation_keywords",
    (Kind.EMAIL, Action.BLOCK): "blocked_emails",
    (Kind.EMAIL, Action.HOLD): "held_emails",
    (Kind.IP, Action.BLOCK): "blocked_ips",
    (Kind.IP, Action.HOLD): "held_ips",
}


def site_moderation():
    """The SiteModeration row, or an unsaved one with the defaults when nobody has saved it yet."""
    return SiteModeration.objects.filter(pk=SITE_ROW).first() or SiteModeration(pk=SITE_ROW)


def posting_rules():
    """The ModerationRules of a post now: the environment's, the database's lists, the site switch.

    Database entries come first in each list, so their public reason is the one told when an
    entry is in both. Costs one query (the SiteModeration row) while the lists are in the cache.
    """
    site = site_moderation()
    from_environment = ModerationRules.from_settings()
    lists = {name: [] for name in RULE_FIELDS.values()}
    for kind, action, value, public_reason, subdomains in cached_entries(site.lists_version):
        lists[RULE_FIELDS[(kind, action)]].append(ListEntry(value, public_reason, subdomains))
    return ModerationRules.from_settings(
        **{name: (*entries, *getattr(from_environment, name)) for name, entries in lists.items()},
        premoderate_all=site.premoderate_all,
    )


def cached_entries(version):
    """[(kind, action, value, public_reason, subdomains)] of every list entry, cached under `version`."""
    key = f"comments:moderation-lists:{version}"
    entries = cache.get(key)
    if entries is None:
        entries = list(
            ModerationListEntry.objects.order_by("id").values_list(
                "kind", "action", "value", "public_reason", "subdomains"
            )
        )
        cache.set(key, entries, CACHE_SECONDS)
    return entries


def lists_changed():
    """Give the lists a new version (in the current transaction): the next post reads them again."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        if not SiteModeration.objects.filter(pk=SITE_ROW).update(lists_version=token):
            SiteModeration.objects.get_or_create(pk=SITE_ROW, defaults={"lists_version": token})


def entry_problem(kind, value):
    """Why `value` (str) cannot be an entry of `kind` (a ModerationListEntry.Kind), or None."""
    value = (value or "").strip()
    if kind == Kind.KEYWORD:
        if keyword_pattern(value) is None:
            return _("Write a word, not only * or spaces.")
    elif kind == Kind.EMAIL:
        local, at, domain = value.rpartition("@")
        # No space, line break or invisible character anywhere (`a@x.org Bcc: b@y.org`, a zero-width
        # space inside the domain): such an entry would match nothing, or not what it seems to.
        hidden = any(character.isspace() for character in value) or visible_text(value) != value
        if not at or not domain_key(domain) or hidden or "@" in local:
            return _("Write an e-mail address (name@example.org) or a domain after @ (@example.org).")
    elif kind == Kind.IP:
        network = parse_network(value)
        if network is None:
            return _("Write an IP address or network, such as 198.51.100.7, 198.51.100.0/24 or 2001:db8::/48.")
        if network.prefixlen < WIDEST_PREFIX[network.version]:
            return _("This network is too wide: at most /%(prefix)d for IPv%(version)d.") % {
                "prefix": WIDEST_PREFIX[network.version],
                "version": network.version,
            }
    return None


def stored_value(kind, value):
    """The entry as it is kept: stripped; an IP entry as its canonical network (an IPv4-mapped one as IPv4)."""
    value = value.strip()
    if kind == Kind.IP:
        network = parse_network(value)
        if network is not None:
            return str(network.network_address) if network.num_addresses == 1 else str(network)
    return value
