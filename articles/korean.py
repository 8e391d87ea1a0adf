"""Korean query words without their particles, through the Kiwi morphological analyser (kiwipiepy).

Korean hangs particles (조사) and the copula on the noun: 쿠르스크에서, 북한군이, 도서관은, 대통령이었다.
A story says 쿠르스크서 or 북한군은, so the word as typed is not in it, but the noun is. Search
(articles/search.py) asks `korean_stem` for the noun and matches the word or its stem.

Kiwi's model takes about 1 s and 340 MB of memory to load (measured with kiwipiepy 0.24.1 and its
'cong' model, without the typo and multi-word dictionaries we do not need; 3 s and 520 MB with
them), so it is loaded once per process, on the first Korean query or by `warm_up()` in a server's
master process before it forks (its workers then share the model's pages). A deployment short of
memory sets NEWSROOM_KOREAN_ANALYSER=off: Korean words are then searched as typed.
"""

import functools
import logging
import re
import threading
import warnings

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

ANALYSERS = ("kiwi", "off")
# A one-syllable stem (책 from 책은, 나 from 나는) would match a fragment of countless words:
# such a word is searched as typed.
MIN_STEM_LENGTH = 2
STEM_CACHE_SIZE = 4096

HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff]")
# Kiwi's tags (Sejong tag set) of what trails a noun: particles (JKS 이/가, JKB 에서, JX 은/는, ...),
# the copula 이다 (VCP) and endings (EP 었, EF 다, ETM ...).
TRAILING_TAGS = re.compile(r"J|VCP|E")
# What may be left once those are stripped: nouns (NNG, NNP, NNB, NR, NP), the plural suffix 들 (XSN),
# Latin letters, digits and hanja (UN에서, 2024년에는).
NOMINAL_TAGS = re.compile(r"N|XSN|SL|SN|SH")

_lock = threading.Lock()
_analyser = None
_load_error = None  # why loading failed: not tried again in this process (it takes seconds)


def analyser_setting():
    """The configured analyser, `"kiwi"` or `"off"`; ImproperlyConfigured for anything else."""
    value = str(getattr(settings, "NEWSROOM_KOREAN_ANALYSER", "kiwi")).strip().lower()
    if value not in ANALYSERS:
        raise ImproperlyConfigured(f"NEWSROOM_KOREAN_ANALYSER must be one of {', '.join(ANALYSERS)}; got {value!r}.")
    return value


def load_kiwi():
    """A ready Kiwi analyser (model loaded, first analysis done: Kiwi finishes loading lazily then).

    Single-threaded (num_workers=0): a worker forked from a process that loaded it has no thread
    pool to wait on. kiwipiepy warns that num_workers=0 changed meaning in 0.21; that is the meaning
    we want.
    """
    from kiwipiepy import Kiwi

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        kiwi = Kiwi(num_workers=0, load_typo_dict=False, load_multi_dict=False)
    kiwi.tokenize("")
    return kiwi


def analyser(loader=load_kiwi):
    """The process's Kiwi, loaded by the first caller (others wait for it), then reused.

    If loading fails, the error is raised now and again on every later call, without a new attempt.
    """
    global _analyser, _load_error
    if _analyser is None:
        with _lock:
            if _load_error is not None:
                raise _load_error
            if _analyser is None:
                try:
                    _analyser = loader()
                except Exception as error:
                    _load_error = error
                    raise
    return _analyser


def warm_up():
    """Load the analyser now (unless it is switched off): call it in a server's master before forking.

    Returns True when the analyser is loaded, False when NEWSROOM_KOREAN_ANALYSER is off. Raises
    ImproperlyConfigured for an unknown setting, and whatever loading raises (a missing model
    package is ImportError), so that a broken deployment fails at start, not on a reader's search.
    """
    if analyser_setting() == "off":
        return False
    analyser()
    return True


def korean_stem(word):
    """The noun of a Korean word without its trailing particles, copula and endings, or None.

    `word` is one query term (letters and digits, as articles.search.parse_query makes them).
    쿠르스크에서 → 쿠르스크, 북한군이 → 북한군, 서울에서는 → 서울, 대통령이었다 → 대통령, UN에서 → UN.
    None when there is nothing to strip (열람실, 북한), when the word is not Hangul, when what is
    left is not a noun (verbs and adjectives keep their endings: 먹었다) or shorter than
    MIN_STEM_LENGTH (나는), when Kiwi cannot analyse the word, and when the analyser is off.
    The stem is always the word's own beginning (cut where Kiwi's first trailing morpheme starts),
    so a text that contains the word contains its stem too.
    """
    if not HANGUL.search(word) or analyser_setting() == "off":
        return None
    return _analysed_stem(word)


@functools.lru_cache(maxsize=STEM_CACHE_SIZE)
def _analysed_stem(word):
    try:
        kiwi = analyser()
        with _lock:
            tokens = kiwi.tokenize(word)
    except Exception:
        # Search goes on with the word as typed; the reader's page must not fail on the analyser.
        logger.exception("The Korean analyser failed on %r: searching the word as typed.", word)
        return None
    kept = list(tokens)
    while kept and TRAILING_TAGS.match(kept[-1].tag):
        kept.pop()
    if not kept or len(kept) == len(tokens) or not NOMINAL_TAGS.match(kept[-1].tag):
        return None
    end = tokens[len(kept)].start
    stem = word[:end]
    if len(stem) < MIN_STEM_LENGTH or end >= len(word):
        return None
    return stem
