"""A visitor's IP address in one canonical form, for keys, block lists and storage.

An IPv4 client reaching a dual-stack socket, or a proxy that logs IPv6 only, shows up
as an IPv4-mapped IPv6 address (`::ffff:198.51.100.7`, RFC 4291 section 2.5.5.2). Read
as IPv6, every such address falls in the one /64 `::` and escapes IPv4 block lists, so
every address (from REMOTE_ADDR, an X-Forwarded-For hop, a stored row or a block-list
entry) goes through this module, which turns mapped addresses back into IPv4.
"""

import ipaddress
import re

from django.conf import settings

# A subscriber's IPv6 line is one /64 (RFC 6177 recommends /48 to /64 per site).
IPV6_CLIENT_PREFIX = 64
MAPPED_PREFIX = ipaddress.ip_network("::ffff:0:0/96")


def canonical(address):
    """An `IPv4Address`/`IPv6Address` as it is keyed and stored: IPv4-mapped IPv6 becomes IPv4."""
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_ip(request):
    """The visitor's address (str, canonical) or None: REMOTE_ADDR, or the proxy's last
    X-Forwarded-For hop when NEWSROOM_TRUST_X_FORWARDED_FOR is on.

    The one answer to "who is this client" for the comments (flood keys, block lists,
    the stored address) and for the admin's login throttling (AXES_CLIENT_IP_CALLABLE).

    A hop may carry a port ("203.0.113.9:51234", "[2001:db8::1]:443"); anything that
    is not an address after that is ignored rather than stored.
    """
    candidates = []
    if settings.COMMENTS_TRUST_X_FORWARDED_FOR:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        candidates.extend(hops[-1:])
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        address = parse_address(candidate)
        if address:
            return address
    return None


def parse_address(text):
    """The canonical address (str) in `text`, or None when it holds no address.

    Takes a bare address or one with a port as proxies write them ("203.0.113.9:51234",
    "[2001:db8::1]:443", "[::ffff:198.51.100.7]:443").
    """
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return str(canonical(ipaddress.ip_address(text)))
    except ValueError:
        return None


def parse_network(entry):
    """The network a block-list entry names (an address or CIDR block), or None when it is not one.

    An IPv4-mapped entry (`::ffff:198.51.100.7`, `::ffff:198.51.100.0/120`) names the
    IPv4 network it maps, so it matches the canonical addresses `parse_address` gives.
    """
    try:
        network = ipaddress.ip_network(entry.strip(), strict=False)
    except ValueError:
        return None
    if network.version == 6 and network.subnet_of(MAPPED_PREFIX):
        first = network.network_address.ipv4_mapped
        return ipaddress.ip_network(f"{first}/{network.prefixlen - 96}", strict=False)
    return network


def client_network(text):
    """What one client holds, as text: its IPv4 address, or the /64 of its IPv6 address.

    Raises ValueError when `text` is not an address.
    """
    address = canonical(ipaddress.ip_address(text))
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(address)


# Runs of the characters an address is written with; each is checked with `ipaddress`.
ADDRESS_LIKE = re.compile(r"[0-9A-Fa-f:.]*[0-9A-Fa-f][0-9A-Fa-f:.]*")
# What may follow an address inside such a run: a full stop, a colon, a port.
AFTER_ADDRESS = re.compile(r"[.:]?|:\d{1,5}\.?")
ADDRESS_REMOVED = "[IP address removed]"


def remove_addresses(text, replacement=ADDRESS_REMOVED):
    """`text` (str) with every IPv4 or IPv6 address in it replaced by `replacement`.

    An address may end a sentence ("... 198.51.100.7.") or carry a port
    ("198.51.100.7:443"); the punctuation or port is kept, the address goes. Numbers,
    dates and times ("3.5", "2026-12-01 07:52") are not addresses and stay.
    """

    def replace(match):
        token = match[0]
        for end in range(len(token), 0, -1):
            head, tail = token[:end], token[end:]
            if AFTER_ADDRESS.fullmatch(tail) and is_address(head):
                return replacement + tail
        return token

    return ADDRESS_LIKE.sub(replace, text)


def is_address(text):
    """True when `text` is an IPv4 or IPv6 address (a bare number is not)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
