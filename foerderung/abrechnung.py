"""What a grant finally comes to once the Verwendungsnachweis is in: the rule per financing
type, and the final accounting of one application against what was paid.

The notice binds the grant to the cost and financing plan (Nr. 4 of the Zuwendungsbescheid,
after ANBest-P Nr. 2). When less was spent, or more income came in, the grant shrinks by
itself (a condition subsequent); what was paid beyond it is to be repaid (§ 49a Abs. 1
VwVfG). How far it shrinks depends on the financing type:

- Festbetragsfinanzierung: the fixed sum stays, unless the eligible expenses fall below it;
  then the grant is the expenses.
- Fehlbedarfsfinanzierung: the grant fills the gap between expenses and the project's own
  funds, third-party funds and other income, at most the approved sum. Own funds count at
  least as planned: the financing plan binds them, so spending less of them does not
  raise the grant.
- Anteilfinanzierung: the grant is the approved percentage of the expenses, at most the
  approved sum; funds beyond the plan (more third-party money, income) first reduce the
  expenses the percentage is taken of.

The grant is rounded to the cent, half up, and never negative.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Antrag, Finanzierungsart

CENT = Decimal("0.01")
ZERO = Decimal(0)


def zuwendung(
    *,
    art: str,
    bewilligt: Decimal,
    ausgaben: Decimal,
    deckung: Decimal = ZERO,
    deckung_geplant: Decimal = ZERO,
    anteil_prozent: Decimal | None = None,
) -> Decimal:
    """The grant after the report. `ausgaben`: eligible expenses actually spent; `deckung`:
    own funds (at least as planned), third-party funds and other income that came in;
    `deckung_geplant`: own and third-party funds of the financing plan."""
    if art == Finanzierungsart.FESTBETRAG:
        betrag = min(bewilligt, ausgaben)
    elif art == Finanzierungsart.FEHLBEDARF:
        betrag = min(bewilligt, ausgaben - deckung)
    elif art == Finanzierungsart.ANTEIL:
        mehr = max(ZERO, deckung - deckung_geplant)
        betrag = min(bewilligt, (ausgaben - mehr) * anteil_prozent / 100)
    else:
        raise ValueError(art)
    return max(ZERO, betrag).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Zeile:
    """A line of the cost plan: planned, and spent as its receipts add up."""

    bezeichnung: str
    geplant: Decimal
    ist: Decimal

    @property
    def abweichung(self) -> Decimal:
        return self.ist - self.geplant


@dataclass(frozen=True)
class Abrechnung:
    """The final accounting: the report's figures, the grant they leave, and what is still
    to be paid (`schlusszahlung`) or to be repaid (`erstattung`) against the ledger: against
    the money the applicant holds (`erhalten`: paid, less what came back on a reclaim, which
    counts once a reclaim is lifted on an objection and the report is examined again)."""

    art: str
    anteil_prozent: Decimal | None
    bewilligt: Decimal
    zeilen: tuple[Zeile, ...]
    eigenmittel_geplant: Decimal
    drittmittel_geplant: Decimal
    eigenmittel: Decimal
    drittmittel: Decimal
    einnahmen: Decimal
    ausgezahlt: Decimal
    zurueckgezahlt: Decimal = ZERO

    @property
    def ausgaben_geplant(self) -> Decimal:
        return sum((z.geplant for z in self.zeilen), ZERO)

    @property
    def ausgaben(self) -> Decimal:
        return sum((z.ist for z in self.zeilen), ZERO)

    @property
    def deckungsmittel(self) -> Decimal:
        """Own funds at least as planned, third-party funds and income as they came in."""
        return max(self.eigenmittel, self.eigenmittel_geplant) + self.drittmittel + self.einnahmen

    @property
    def deckungsmittel_geplant(self) -> Decimal:
        return self.eigenmittel_geplant + self.drittmittel_geplant

    @property
    def zuwendung(self) -> Decimal:
        return zuwendung(
            art=self.art,
            bewilligt=self.bewilligt,
            ausgaben=self.ausgaben,
            deckung=self.deckungsmittel,
            deckung_geplant=self.deckungsmittel_geplant,
            anteil_prozent=self.anteil_prozent,
        )

    @property
    def erhalten(self) -> Decimal:
        return self.ausgezahlt - self.zurueckgezahlt

    @property
    def schlusszahlung(self) -> Decimal:
        return max(ZERO, self.zuwendung - self.erhalten)

    @property
    def erstattung(self) -> Decimal:
        return max(ZERO, self.erhalten - self.zuwendung)


def abrechnung(antrag: Antrag) -> Abrechnung | None:
    """The accounting of `antrag`'s report as it stands (draft or submitted); None without
    a report or a grant."""
    nachweis = getattr(antrag, "verwendungsnachweis", None)
    if nachweis is None or antrag.bewilligt is None:
        return None
    ist: dict[int, Decimal] = {}
    for beleg in nachweis.belege.all():
        ist[beleg.kostenposition_id] = ist.get(beleg.kostenposition_id, ZERO) + beleg.betrag
    aufruf = antrag.aufruf
    return Abrechnung(
        art=aufruf.finanzierungsart,
        anteil_prozent=aufruf.anteil_prozent,
        bewilligt=antrag.bewilligt,
        zeilen=tuple(
            Zeile(k.bezeichnung, k.betrag, ist.get(k.pk, ZERO)) for k in antrag.kosten.all()
        ),
        eigenmittel_geplant=antrag.eigenmittel,
        drittmittel_geplant=antrag.drittmittel,
        eigenmittel=nachweis.eigenmittel_ist or ZERO,
        drittmittel=nachweis.drittmittel_ist or ZERO,
        einnahmen=nachweis.einnahmen_ist or ZERO,
        ausgezahlt=antrag.saldo.ausgezahlt,
        zurueckgezahlt=antrag.saldo.zurueckgezahlt,
    )
