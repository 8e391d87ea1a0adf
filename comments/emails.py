"""An e-mail address in one form for comparisons: the commenter's identity and the block and hold lists.

One mailbox can be written many ways that all reach it: `Troll@Example.org`, `troll+news@example.org`
(plus-addressing: the mail server drops what follows the `+`), `"troll"@example.org` (a quoted local
part, RFC 5321 section 4.1.2, equal to the unquoted one), `troll@xn--bcher-kva.example` and
`troll@bücher.example` (an IDN domain in its ASCII and Unicode forms, RFC 5890). Each would escape a
block by address, and each would count as a new commenter with no history. `email_key` maps them all
to one string; `email_matches` compares a key with a list entry.

Pure functions on `str`, no Django. The address as typed is still what is stored on the comment (to
write back to its author); the key is what is compared.
"""

import unicodedata

from articles.text import comparable_text, visible_text

# What IDNA (RFC 3490 section 3.1) reads as the dot between labels, besides "." itself.
LABEL_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def email_key(address):
    """The form of `address` (a str) that every spelling of the same mailbox shares; a str.

    Local part: unquoted (`"a b"@x` is `a b@x`, a backslash escape is the character it escapes),
    then compared as `articles.text.comparable_text` (invisible characters, width, case and Latin
    accents aside), then cut at the first `+` (plus-addressing; a local part starting with `+` is
    kept whole). Dots in the local part are kept: only some providers ignore them.
    Domain: invisible characters dropped, NFKC, case-folded, the ideographic and full-width dots
    read as dots, a trailing dot dropped, and each `xn--` label decoded to Unicode. Accents stay
    in the domain: `bucher.example` and `bücher.example` are two different domains.

    The split is at the last `@`, so a quoted local part may hold one (`"a@b"@c.example`). Text
    without an `@` is returned as `comparable_text` gives it. `email_key(email_key(x)) == email_key(x)`.
    """
    text = visible_text(address).strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return comparable_text(text)
    return f"{local_key(local)}@{domain_key(domain)}"


def local_key(local):
    """The local part of an address (before the last `@`), unquoted, compared and without its +tag."""
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        local = unquote(local[1:-1])
    local = comparable_text(local)
    tag_at = local.find("+")
    return local[:tag_at] if tag_at > 0 else local


def unquote(quoted):
    """The characters a quoted string stands for: `\\"` is `"`, `\\\\` is `\\`."""
    characters = []
    escaped = False
    for char in quoted:
        if escaped or char != "\\":
            characters.append(char)
            escaped = False
        else:
            escaped = True
    return "".join(characters)


def domain_key(domain):
    """A domain (str) as it is compared: see `email_key`."""
    folded = unicodedata.normalize("NFKC", visible_text(domain)).casefold().translate(LABEL_DOTS).rstrip(".")
    return ".".join(decode_label(label) for label in folded.split("."))


def decode_label(label):
    """One domain label in Unicode: an `xn--` label decoded (Punycode, RFC 3492), else as it is."""
    if not label.startswith("xn--"):
        return label
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return label
    return unicodedata.normalize("NFKC", decoded).casefold()


def email_matches(key, entry, *, subdomains=True):
    """True when the address `key` (an `email_key`) matches the list `entry` (a str).

    An entry is an address, compared by its own `email_key` (so `troll@example.org` also blocks
    `troll+2@example.org` and `"troll"@EXAMPLE.org`), or `@domain` for that domain and, with
    `subdomains` (the default, as `NEWSROOM_COMMENTS_BLOCKED_EMAILS` has always read it), every
    subdomain of it: `@spam.example` matches `x@spam.example` and `x@mx.spam.example`, never
    `x@notspam.example`. An empty entry matches nothing.
    """
    entry = visible_text(entry).strip()
    if not entry or entry == "@":
        return False
    if entry.startswith("@"):
        wanted = domain_key(entry[1:])
        domain = key.rpartition("@")[2]
        return domain == wanted or (subdomains and domain.endswith("." + wanted))
    return key == email_key(entry)
