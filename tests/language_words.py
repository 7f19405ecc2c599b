"""Words that give away the wrong language in a Danish or Norwegian text (issue 10).

Only distinctive words: a word both languages write the same way ("ikke", "betaling", "konto",
"faktura", "kreditnota", "deres", "hilsen") tells nothing. English words are the ones a text left
untranslated would show; "to", "for", "at", "by", "have", "sent", "status", "total", "note",
"kind", "data", "link", "plan", "support", "download" (Danish) are Danish or Norwegian words
too and are left out. Proper names, addresses and URLs are removed before the scan.
"""

import re
from collections.abc import Iterable

# Danish, never Norwegian Bokmål (which writes "vennlig", "ble", "av", "etter", "nå", …).
DA_ONLY = frozenset(
    """
    kære venlig venligst blev bliver afvist kreditering jeres vores af efter nu dage uger
    spørgsmål oplysninger gennem mellem igen nogen noget sidste modtaget modtage modtager
    bekræft bekræfte bekræftet indsigt sletning beløb udstedt udstedte udløber hej tak fejl
    bruger brugere brugeren ændre ændring ændringen gælder adgangskode forespørgsel endnu hvad
    ophører mulighed sikkerhed virksomhed virksomheden myndighed tilsynsmyndighed selskab køb
    købt indeholder klik mig dig sig opsagt spærret lukning hvornår indtil tilføj oplys
    """.split()
)
# Norwegian Bokmål, never Danish (which writes "venlig", "blev", "af", "efter", "nu", …).
NB_ONLY = frozenset(
    """
    hei vennlig ble blir avvist av etter nå dager uker spørsmål opplysninger gjennom mellom
    igjen noen noe siste mottatt motta mottar mottaker bekreft bekrefte bekreftet innsyn
    sletting beløp utstedt utstedte utløper takk feil bruker brukere brukeren endre endring
    endringen gjelder passord forespørsel forespørselen ennå hva opphører mulighet sikkerhet
    virksomhet virksomheten myndighet tilsynsmyndighet selskap kjøp kjøpt inneholder klikk meg
    deg seg oppsagt sperret vår våre å inntil legg
    """.split()
)

ENGLISH = frozenset(
    """
    the your yours please invoice dear and you has been will with of are was were we our ours
    this that these those here there payment paid request hello thank thanks not can cannot
    must amount receipt credit which should would when what who it an if or on from account
    accounts seats users user price new old reason until days day weeks months subscription
    trial free billing details agreement processor controller deleted closed suspended
    cancelled terms owner invited invitation confirm confirmed address password choose
    ready kept law issued right complaint authority answer answered received records
    record source sources page pages access open due subject template privacy verify
    """.split()
)

URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def offending_words(text: str, language: str, proper: Iterable[str] = ()) -> dict[str, list[str]]:
    """The words of `text` that do not belong in `language` ("da" or "nb"), by kind. `proper`
    lists names and addresses to ignore (a company called "Nordlys AS" is not Norwegian prose)."""
    text = URL.sub(" ", text)  # first: a name inside a link must not cut the link open
    for name in sorted({p for p in proper if len(p) > 2}, key=len, reverse=True):
        text = text.replace(name, " ")
    words = [w.lower() for w in WORD.findall(text)]
    other = NB_ONLY if language == "da" else DA_ONLY
    found = {
        "other language": sorted({w for w in words if w in other}),
        "English": sorted({w for w in words if w in ENGLISH}),
    }
    return {kind: ws for kind, ws in found.items() if ws}


def other_language(language: str) -> str:
    return "nb" if language == "da" else "da"
