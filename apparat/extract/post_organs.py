"""The organ tables of the post grammar (:mod:`apparat.extract.posts`): which organs,
periodicals, commissariats, state bodies and envoys' posts a note's sentence can name,
compiled from the gazetteer's :class:`~.lexicon.Lexicon`, and the qualifiers that keep
a body all-union. The sentence rules that use them stay in :mod:`~.posts`.
"""

from __future__ import annotations

import re

from . import dates
from .lexicon import Lexicon

__all__ = ["COMMISSAR_TAIL_OK", "DIPLOMATS", "KIND_TAIL_OK", "PLACES", "RSFSR_AFTER_COMMA", "Grammar",
           "base_slug"]

_M = dates.MONTH_IN_TEXT

_BRACKET = r"(?:\s*\[[^\]]*\])?"  # "[Red Star]", "[NKID]": a gloss the notes add
_PLACE = rf"(?!{_M})(?-i:[A-Z][a-z'’-]+)(?:\s+(?!{_M})(?-i:[A-Z][a-z'’-]+))?"
PLACES = rf"{_PLACE}(?:(?:\s*,\s*(?:then\s+|and\s+)?|\s+(?:then|and)\s+){_PLACE})*"
_ENVOY = (r"[Dd]iplomat|[Aa]mbassador|[Pp]lenipotentiary(?:\s+[Rr]epresentative)?|[Pp]olpred"
          r"|(?:[Gg]eneral\s+)?[Cc]onsul(?:[\s-][Gg]eneral)?"
          r"|[Rr]epresentative\s+of\s+(?:the\s+)?Soviet\s+government")
DIPLOMATS = {
    "diplomat": rf"\b(?:{_ENVOY})\b(?:\s+(?:in|to)\s+{PLACES})?",
    "trade-representative": rf"\b[Tt]rade\s+[Rr]epresentative\b(?:\s+(?:in|to)\s+{PLACES})?",
}
#: Qualifiers that keep a body all-union: "PUR of the Red Army", "People's Commissar
#: of Labour in the first Soviet government".
KIND_TAIL_OK = {"pur": re.compile(r"\s*of\s+(?:the\s+)?(?:Red\s+Army|Republic)\b")}
COMMISSAR_TAIL_OK = re.compile(r"\s*in\s+(?:the\s+)?first\s+Soviet\s+government\b")
RSFSR_AFTER_COMMA = re.compile(r"\s*,\s*(?:the\s+)?RSFSR\b")

#: Bodies the notes name "of the RSFSR" that are no all-union body's twin: that body itself.
_RSFSR_ITSELF = {"narkompros": "narkompros"}
#: Organ-bearing words: a sentence with one that yields no claim is reported as unparsed.
_KEYWORDS = (r"\b(?:[Pp]olitburo|Orgburo|Secretariat|CCC?|Central Committee|Control Commission"
    r"|Commission of Party Control|ECCI|Executive Committee of (?:the )?Comintern"
    r"|Ispolkom(?: \[[^\]]*\])? of (?:the )?Comintern|Sovnarkom|SNK|RVS|RMC|Revvoensovet"
    r"|Revolutionary Military Council|[Gg]eneral [Ss]ecretary"
    # posts beyond the party organs: editors, commissars, envoys, state bodies
    r"|[Ee]ditor(?:ial|-in-chief)?|[Cc]ommissar(?:iat)?|Narkom\w*|NKID|RKI|Rabkrin"
    r"|[Dd]iplomat\w*|[Aa]mbassador|[Pp]lenipotentiary|[Tt]rade [Rr]epresentative|[Cc]onsul"
    r"|VSNKh|Gosplan|VTsSPS|VTsIK|TsIK|Glavkontsesskom|Main Concessions? Committee|PUR|STO|OGIZ"
    r"|Supreme Economic Council|Council of (?:the )?(?:National )?Economy"
    r"|Central Executive Committee|Council of Labou?r and Defen[cs]e)\b")


class Grammar:
    """The organ tables of the post grammar, compiled from a :class:`~.lexicon.Lexicon`.

    ``organs`` lists ``(kind, pattern)`` in matching order: the ``by-name`` kinds
    (in :func:`~.lexicon.by_name_order`), the periodicals (as italic titles), the commissariats (by
    field and by name), the state bodies and the envoys' posts. The gazetteer's other
    traits are sets of slugs: ``party_kinds`` (trait ``party-roles``: kinds whose roles
    keep the party reading), ``party_organs`` (``cpbu-twin``: "Ukrainian X" is
    ``X-cpbu``) and ``collegial`` (a bare ``In X`` names a member).
    """

    def __init__(self, lexicon: Lexicon):
        self.party_kinds = lexicon.party_roles
        self.party_organs = lexicon.cpbu_twins
        self.collegial = lexicon.collegial
        self.periodicals = dict(lexicon.periodicals)
        self.commissariats = dict(lexicon.commissariats)
        self.state_bodies = dict(lexicon.state_bodies)
        organs = list(lexicon.kinds)
        organs += [(slug, rf"\*(?:{name})\*{_BRACKET}") for slug, name in self.periodicals.items()]
        organs += [(slug, rf"\b(?:People['’]s\s+)?[Cc]ommissar(?:iat)?\s+(?:of|for)\s+(?:the\s+)?"
                          rf"(?i:{field_}){_BRACKET}|\bNarkom\s+(?:of|for)\s+(?:the\s+)?(?i:{field_})"
                          rf"{_BRACKET}|\b(?:{names})\b{_BRACKET}")
                   for slug, (field_, names) in self.commissariats.items()]
        organs += list(self.state_bodies.items()) + list(DIPLOMATS.items())
        self.organs = organs
        self.organ_re = re.compile("|".join(f"(?P<g{i}>{p})" for i, (_, p) in enumerate(organs)))
        #: Organ slug when "of the RSFSR" qualifies a body (else it is rejected).
        self.rsfsr = {**lexicon.rsfsr, **_RSFSR_ITSELF}
        #: Bodies whose plain membership is no post: a removal from them must name the post.
        self.post_organs = frozenset({*self.periodicals, *self.commissariats, *self.state_bodies,
                                      "narkomindel", "narkomtorg", *self.rsfsr.values()}) - {
            *(s for s in self.rsfsr.values() if s.startswith("sovnarkom")), *self.collegial}
        self.keyword_re = re.compile(_KEYWORDS + "|" + "|".join(
            f"(?:{p})" for _, p in organs if p not in (rf"\*(?:{n})\*{_BRACKET}" for n in self.periodicals.values())))

    @property
    def organ_slugs(self) -> frozenset[str]:
        """Every organ slug a claim can carry."""
        base = {base_slug(kind) for kind, _ in self.organs} - {"general-secretary"} | {"secretariat"}
        return frozenset(base | {f"{s}-cpbu" for s in self.party_organs} | set(self.rsfsr.values()))


def base_slug(kind: str) -> str:
    """The organ a kind of post belongs to (an envoy's: the foreign commissariat)."""
    return {"diplomat": "narkomindel", "trade-representative": "narkomtorg"}.get(kind, kind)
