"""WordPress categories and tags in our words: which section and hashtags a post gets, and the
addresses WordPress gave the terms' pages and feeds. Pure (no database).

- The post's first category (WordPress's default "uncategorized" aside) names its section, through
  its top-level ancestor: sub-categories ("World › 국제") would crowd the masthead, so a story goes
  to the section of the top category and the sub-category becomes one of its hashtags.
- Tags, then the other categories, become hashtags. A hashtag is letters, digits and underscores:
  "News & Politics" becomes `News_Politics`, "우크라이나" stays as written.
"""

import re
import unicodedata

DEFAULT_CATEGORY = "uncategorized"
HASHTAG_LENGTH = 100
SECTION_NAME_LENGTH = 80
NOT_A_WORD = re.compile(r"[^\w]+")


def hashtag_name(name):
    """The hashtag a term's name (plain text) becomes: runs of other characters as one "_", no "#",
    at most 100 characters; "" when nothing of it is a letter or digit."""
    folded = NOT_A_WORD.sub("_", unicodedata.normalize("NFC", name.lstrip("#"))).strip("_")
    return folded[:HASHTAG_LENGTH].rstrip("_")


def top_category(slug, categories):
    """The top-level ancestor (an items.Category, or None when the export does not list it) of the
    category `slug`, through `categories` ({slug: Category}); safe against a loop of parents."""
    seen = set()
    category = categories.get(slug)
    while category is not None and category.parent and category.parent not in seen:
        seen.add(category.slug)
        parent = categories.get(category.parent)
        if parent is None:
            break
        category = parent
    return category


def post_terms(post, categories):
    """(section name or "", [hashtag names]) of `post` (an items.Post), `categories` the export's
    ({slug: Category}). Names are plain text; hashtags in order (tags, then categories), once each."""
    chosen = [term for term in post.categories if term.slug != DEFAULT_CATEGORY and term.name]
    section = ""
    extra = list(chosen)
    if chosen:
        first = chosen[0]
        top = top_category(first.slug, categories)
        if top is None or top.slug == first.slug:
            section = first.name
            extra = chosen[1:]
        else:
            section = top.name
    names, seen = [], set()
    for term in [*post.tags, *extra]:
        name = hashtag_name(term.name)
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            names.append(name)
    return section[:SECTION_NAME_LENGTH].strip(), names


def category_paths(slug, categories, prefix=""):
    """The addresses WordPress answered for the category `slug`: `/category/<ancestors>/<slug>/`
    (its permalink) and `/category/<slug>/` (which WordPress also resolves), under `prefix` (the
    site's folder, "" or "/blog")."""
    chain, seen = [], set()
    category = categories.get(slug)
    while category is not None and category.slug not in seen:
        seen.add(category.slug)
        chain.append(category.slug)
        category = categories.get(category.parent) if category.parent else None
    full = "/".join(reversed(chain)) or slug
    return list(dict.fromkeys([f"{prefix}/category/{full}/", f"{prefix}/category/{slug}/"]))


def tag_path(slug, prefix=""):
    """The address of a tag's page on WordPress: `/tag/<slug>/` under `prefix`."""
    return f"{prefix}/tag/{slug}/"
