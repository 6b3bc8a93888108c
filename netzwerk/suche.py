"""Search across the network: every commune's published plans, events, Rückblicke, calls
and Aktuelles.

Each searchable model stores its German search vector (zwk_portal.search). A search
stems the words the way the vectors were stemmed, ANDs them as prefixes (so "Rufbus"
also finds "Rufbussystem"), ranks every hit of every kind in one query, and fetches
the details and highlighted passages for the shown page only.

A compound also finds its known first part ("Rufbussystems" → rufbus), and a word
that occurs nowhere in the network is widened to the words it most likely means
("Ehrenamd" → ehrenamt, by trigram similarity as pg_trgm computes it), which the page
says. The vocabulary is read from the stored vectors of published content only.

What a visitor may find is decided here and nowhere else: `Art.published`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Func, Max, Q, QuerySet, TextField, Value
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from aktuelles.models import Artikel
from events.models import Rueckblick, Veranstaltung, public_rueckblick_q
from foerderung.models import Foerderaufruf
from werkstattplan.filters import massnahme_in_jahr
from werkstattplan.models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug

MAX_WORDS = 8
MAX_HITS = 500  # ranked; more are not worth paging through
KEEP_SECONDS = 60
SIMILAR = 0.4  # trigram similarity of a typo to the word it means (pg_trgm's default is 0.3)
_MARK, _END = "\ue000", "\ue001"  # private-use characters: never in a text, safe to escape


# ----------------------------------------------------------------- what can be found


@dataclass(frozen=True)
class Art:
    """A kind of search result: where it lives, what is public, how filters reach it."""

    key: str
    label: str
    published: Callable[[], QuerySet]
    kommune: str  # lookup of its Kommune
    title: Callable[[object], str]  # the hit's title
    passage: tuple[str, ...]  # fields shown as the highlighted passage
    handlungsfeld: Callable[[str], Q] | None = None  # None: no Handlungsfeld
    status: Callable[[str], Q] | None = None
    jahr: Callable[[int], Q] | None = None
    related: tuple[str, ...] = field(default=())


def _plan_jahr(prefix: str) -> Callable[[int], Q]:
    return lambda year: Q(**{f"{prefix}first_year__lte": year, f"{prefix}last_year__gte": year})


ARTEN = (
    Art(
        "werkzeug",
        _("Werkzeug"),
        lambda: Werkzeug.objects.filter(handlungsfeld__plan__published=True),
        kommune="handlungsfeld__plan__kommune",
        # As Werkzeug.display_title: the short title, or the description's beginning.
        title=lambda werkzeug: werkzeug.title or werkzeug.description,
        passage=("description", "steckbrief_beschreibung", "zielgruppe", "besonderheiten"),
        handlungsfeld=lambda name: Q(handlungsfeld__name__iexact=name),
        status=lambda name: Q(status__name__iexact=name),
        jahr=lambda year: Q(jahre__contains=[year]),
        related=("handlungsfeld__plan__kommune", "status"),
    ),
    Art(
        "massnahme",
        _("Einzelmaßnahme"),
        lambda: Massnahme.objects.filter(plan__published=True),
        kommune="plan__kommune",
        title=lambda obj: obj.title,
        passage=("title", "ziel"),
        handlungsfeld=lambda name: (
            Q(handlungsfeld__name__iexact=name) | Q(werkzeug__handlungsfeld__name__iexact=name)
        ),
        status=lambda name: Q(status__name__iexact=name),
        jahr=massnahme_in_jahr,
        related=("plan__kommune", "werkzeug__handlungsfeld", "handlungsfeld", "status"),
    ),
    Art(
        "handlungsfeld",
        _("Handlungsfeld"),
        lambda: Handlungsfeld.objects.filter(plan__published=True),
        kommune="plan__kommune",
        title=lambda handlungsfeld: handlungsfeld.name,
        passage=("description", "leitziel"),
        handlungsfeld=lambda name: Q(name__iexact=name),
        jahr=_plan_jahr("plan__"),
        related=("plan__kommune",),
    ),
    Art(
        "veranstaltung",
        _("Veranstaltung"),
        lambda: Veranstaltung.objects.filter(status__in=Veranstaltung.PUBLIC_STATUSES),
        kommune="kommune",
        title=lambda obj: obj.title,
        passage=("teaser", "description"),
        jahr=lambda year: Q(beginn__year=year),
        related=("kommune",),
    ),
    Art(
        "rueckblick",
        _("Rückblick"),
        lambda: Rueckblick.objects.filter(public_rueckblick_q(timezone.now())),
        kommune="veranstaltung__kommune",
        title=lambda rueckblick: rueckblick.veranstaltung.title,
        passage=("text",),
        jahr=lambda year: Q(veranstaltung__beginn__year=year),
        related=("veranstaltung__kommune",),
    ),
    Art(
        "foerderaufruf",
        _("Förderaufruf"),
        lambda: Foerderaufruf.objects.filter(published=True),
        kommune="kommune",
        title=lambda obj: obj.title,
        passage=("description",),
        jahr=lambda year: Q(einreichung_ab__year__lte=year, einreichung_bis__year__gte=year),
        related=("kommune",),
    ),
    Art(
        "artikel",
        _("Aktuelles"),
        lambda: Artikel.objects.public(),  # aktuelles.models.public_artikel_q
        kommune="kommune",
        title=lambda artikel: artikel.title,
        passage=("teaser", "text"),
        jahr=lambda year: Q(published_at__year=year),
        related=("kommune",),
    ),
)
ARTEN_BY_KEY = {art.key: art for art in ARTEN}


# ----------------------------------------------------------------------- the words


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces in front, one behind."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb)


def words_of(text: str) -> list[str]:
    """The words of a search, lower case; signs such as & | ! : ( ) never reach the query."""
    return [w.lower() for w in re.findall(r"\w+", text or "")][:MAX_WORDS]


def stems(words: list[str]) -> list[str | None]:
    """Each word stemmed as the German vectors are ("ehrenamtliche" → ehrenamt);
    None for a stop word ("der", "im")."""
    if not words:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (ts_lexize('german_stem', w))[1] FROM unnest(%s::text[]) WITH ORDINALITY AS t(w, n) ORDER BY n",
            [words],
        )
        return [row[0] for row in cursor.fetchall()]


def stand() -> str:
    """The state of the published plans (their number and latest change, one query): keys
    what is kept of them, so a plan taken offline leaves no word or choice behind. Events
    and calls count for up to KEEP_SECONDS."""
    state = Werkstattplan.objects.filter(published=True).aggregate(
        count=Count("pk"), latest=Max("updated_at")
    )
    latest = state["latest"].timestamp() if state["latest"] else 0
    return f"{state['count']}:{latest}"


def kept(name: str, stand: str, compute: Callable):
    """`compute()`, kept for KEEP_SECONDS while the published plans stay as they are."""
    key = f"netzwerk:{name}:{stand}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, KEEP_SECONDS)
    return value


def vocabulary(stand: str) -> frozenset[str]:
    """Every stem in the network's published texts."""

    def compute():
        lexemes = Func(
            Func(F("search_vector"), function="tsvector_to_array"),
            function="unnest",
            output_field=TextField(),
        )
        words = set()
        for art in ARTEN:
            words.update(
                art.published().order_by().annotate(lexeme=lexemes).values_list("lexeme", flat=True)
            )
        return frozenset(words)

    return kept("vocabulary", stand, compute)


def first_part(stem: str, known: frozenset[str]) -> str | None:
    """The longest known word a compound begins with: "rufbussystem" → rufbus."""
    heads = [w for w in known if len(w) >= 5 and len(stem) - len(w) >= 3 and stem.startswith(w)]
    return max(heads, key=len) if heads else None


def spellings(stem: str, known: frozenset[str]) -> list[str]:
    """The nearest known spellings of a word no text has ("ehrenamd" → ehrenamt)."""
    if any(word.startswith(stem) for word in known):
        return []
    near = sorted(
        (
            (similarity(stem, w), w)
            for w in known
            if abs(len(w) - len(stem)) <= 3 and similarity(stem, w) >= SIMILAR
        ),
        reverse=True,
    )
    return [w for _, w in near[:2]]


@dataclass
class Anfrage:
    """The words of a search as PostgreSQL's query, and which were widened."""

    raw: str  # PostgreSQL's query syntax, of stems: "('rufbus':*) & ('app':*)"
    widened: dict[str, list[str]]  # the visitor's word → the stems searched instead or too

    @property
    def query(self) -> SearchQuery | None:
        # The stems are stemmed already: the "simple" configuration takes them as they are.
        return SearchQuery(self.raw, search_type="raw", config="simple") if self.raw else None


def anfrage(text: str, stand: str) -> Anfrage:
    words = words_of(text)
    terms, changed = [], {}
    known = None
    for word, stem in zip(words, stems(words), strict=True):
        if not stem:
            continue
        if known is None:
            known = vocabulary(stand)
        alternatives = spellings(stem, known)
        if alternatives:
            changed[word] = alternatives
        head = first_part(stem, known)
        options = [stem, *alternatives, *([head] if head else [])]
        terms.append("(" + " | ".join(f"{_quoted(o)}:*" for o in options) + ")")
    if not terms:
        return Anfrage("", {})
    return Anfrage(" & ".join(terms), changed)


# --------------------------------------------------------------------- the search


@dataclass(frozen=True)
class Filter:
    kommune: str = ""  # slug
    art: str = ""  # Kommune.Art
    land: str = ""  # AGS prefix, "13"
    handlungsfeld: str = ""
    status: str = ""
    jahr: int | None = None

    def applies(self, art: Art) -> bool:
        return not (
            (self.handlungsfeld and art.handlungsfeld is None)
            or (self.status and art.status is None)
            or (self.jahr and art.jahr is None)
        )

    def q(self, art: Art) -> Q:
        q = Q()
        if self.kommune:
            q &= Q(**{f"{art.kommune}__slug": self.kommune})
        if self.art:
            q &= Q(**{f"{art.kommune}__art": self.art})
        if self.land:
            q &= Q(**{f"{art.kommune}__ags__startswith": self.land})
        if self.handlungsfeld:
            q &= art.handlungsfeld(self.handlungsfeld)
        if self.status:
            q &= art.status(self.status)
        if self.jahr:
            q &= art.jahr(self.jahr)
        return q


def ranked(query: SearchQuery, filter: Filter) -> list[tuple[str, int]]:
    """(kind, pk) of every hit, best first, in one query."""
    parts = [
        art.published()
        .filter(filter.q(art), search_vector=query)
        .order_by()
        .annotate(
            art_key=Value(art.key, output_field=TextField()),
            key=F("pk"),
            # Unnormalised: a text with more of the words comes first, however long.
            rank=SearchRank(F("search_vector"), query),
        )
        .values_list("art_key", "key", "rank")
        for art in ARTEN
        if filter.applies(art)
    ]
    if not parts:
        return []
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    rows = union.order_by("-rank", "art_key", "key")[:MAX_HITS]
    return [(kind, pk) for kind, pk, _rank in rows]


@dataclass
class Treffer:
    art: Art
    obj: object
    title: SafeString
    passage: SafeString

    @property
    def kommune(self):
        obj = self.obj
        for step in self.art.kommune.split("__"):
            obj = getattr(obj, step)
        return obj


def _marked(text: str) -> SafeString:
    return mark_safe(escape(text).replace(_MARK, "<mark>").replace(_END, "</mark>"))  # noqa: S308


TITLE_OPTIONS = f'StartSel="{_MARK}", StopSel="{_END}", HighlightAll=true'
PASSAGE_OPTIONS = f'StartSel="{_MARK}", StopSel="{_END}", MaxWords=30, MinWords=12, MaxFragments=2'


def highlighted(texts: list[tuple[str, str]], anfrage: Anfrage) -> list[tuple[str, str]]:
    """(title, passage) pairs with the matched words between _MARK and _END, in one statement
    (ts_headline parses each text as the vectors were made)."""
    if not texts:
        return []
    titles, passages = zip(*texts, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_headline('german', a, q, %s), ts_headline('german', b, q, %s)"
            " FROM to_tsquery('simple', %s) AS q,"
            " unnest(%s::text[], %s::text[]) WITH ORDINALITY AS t(a, b, n) ORDER BY n",
            [TITLE_OPTIONS, PASSAGE_OPTIONS, anfrage.raw, list(titles), list(passages)],
        )
        return cursor.fetchall()


def details(rows: list[tuple[str, int]], anfrage: Anfrage) -> list[Treffer]:
    """The shown page's hits with their objects and highlighted title and passage: a query
    per kind of hit on the page, and one for the highlights."""
    by_art: dict[str, list[int]] = {}
    for kind, pk in rows:
        by_art.setdefault(kind, []).append(pk)
    found = {}
    for kind, pks in by_art.items():
        art = ARTEN_BY_KEY[kind]
        for obj in art.published().filter(pk__in=pks).select_related(*art.related):
            found[kind, obj.pk] = obj
    shown = [(ARTEN_BY_KEY[key[0]], found[key]) for key in rows if key in found]
    texts = [
        (art.title(obj), " ".join(filter(None, (getattr(obj, f) for f in art.passage))))
        for art, obj in shown
    ]
    return [
        Treffer(art, obj, _marked(_short(title)), _marked(passage))
        for (art, obj), (title, passage) in zip(shown, highlighted(texts, anfrage), strict=True)
    ]


def _short(text: str, words: int = 14) -> str:
    """At most `words` words, a highlight cut off at the end closed again."""
    text = Truncator(text).words(words)
    return text + _END * (text.count(_MARK) - text.count(_END))


# ------------------------------------------------------------ similar elsewhere


def _title_lexemes():
    """The stems of a Werkzeug's title and description (weight A), as an array."""
    return Func(
        Func(F("search_vector"), Value("{a}"), function="ts_filter"),
        function="tsvector_to_array",
        output_field=ArrayField(TextField()),
    )


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def aehnliche_werkzeuge(werkzeug: Werkzeug, limit: int = 5) -> list[Werkzeug]:
    """The Werkzeuge of other communes' published plans most like this one: sharing the
    most words of title and description (Jaccard), at least two of them."""
    with scopes_disabled():  # the whole network's published plans
        own = Werkzeug.objects.filter(pk=werkzeug.pk).values_list(_title_lexemes(), flat=True)
        words = {w for w in (own.first() or []) if len(w) >= 4}
        if len(words) < 2:
            return []
        query = SearchQuery(
            " | ".join(map(_quoted, sorted(words))), search_type="raw", config="simple"
        )
        candidates = list(
            ARTEN_BY_KEY["werkzeug"]
            .published()
            .filter(search_vector=query)
            .exclude(handlungsfeld__plan__kommune=werkzeug.handlungsfeld.plan.kommune_id)
            # Its copies and its origin are named on the page already.
            .exclude(uebernommen_aus=werkzeug.pk)
            .exclude(pk=werkzeug.uebernommen_aus_id or 0)
            .select_related("handlungsfeld__plan__kommune", "status")
            .annotate(rank=SearchRank(F("search_vector"), query), lexemes=_title_lexemes())
            .order_by("-rank", "pk")[: limit * 6]
        )
    scored = []
    for candidate in candidates:
        theirs = {w for w in candidate.lexemes if len(w) >= 4}
        shared = len(words & theirs)
        if shared >= 2:
            scored.append((shared / len(words | theirs), -candidate.pk, candidate))
    return [c for *_, c in sorted(scored, key=lambda s: s[:2], reverse=True)[:limit]]
