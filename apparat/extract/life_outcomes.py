"""What a biographical note's sentence says happened, in a few words: a sentence's term
(``ten years in corrective labor camp``), a manner of death (``died of tuberculosis``),
and the declarations and letters a signing names (``declaration-of-the-eighty-three``).
Pure string functions, used by :mod:`apparat.extract.life_events`."""

from __future__ import annotations

import re

from ..ids import slugify

__all__ = ["death_outcome", "documents", "sentence_outcome"]

_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_NUMBERS.update({w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty "
                                                  "ninety".split(), start=2)})
_DOC_RE = re.compile(r"(?P<kind>Declaration|Letter)\s+of\s+the\s+(?P<num>[A-Z][a-z]+(?:[- ][A-Z][a-z]+)*)"
                     r"|Brest-Litovsk\s+Treaty")
_SENTENCE_KINDS = (("corrective labor camp", "in corrective labor camp"), ("ITL", "in corrective "
                   "labor camp"), ("camps", "in camps"), ("political isolator", "in political "
                   "isolator"), ("hard labor", "of hard labor"), ("prison", "in prison"),
                   ("exile", "of exile"))
_DEATH_MANNERS = ((r"tuberculosis", "of tuberculosis"), (r"heart attack", "of a heart attack"),
                  (r"stroke", "of a stroke"), (r"cancer", "of cancer"), (r"ill health",
                  "of ill health"), (r"psychiatric clinic", "in a psychiatric clinic"),
                  (r"\bin exile", "in exile"))


def sentence_outcome(seg: str) -> str | None:
    if re.search(r"\bto\s+(?:death|be\s+shot)\b", seg):
        return "sentenced to death" + (" in absentia" if "in absentia" in seg else "")
    if "eternal exile" in seg:
        return "eternal exile"
    if re.match(r"\w+\s+to\s+exile\b", seg) and not re.search(r"\byears?\b", seg):
        return "exile"
    years = next((m for m in re.finditer(r"\b(?P<n>[a-z]+(?:-[a-z]+)?)\s+(?P<more>more\s+)?years?\b",
                                         seg) if all(w in _NUMBERS for w in m["n"].split("-"))), None)
    if not years:
        return None
    kind = min(((seg.find(word), phrase) for word, phrase in _SENTENCE_KINDS if word in seg),
               default=(0, "of exile" if re.match(r"[Ee]xiled", seg) else ""))[1]
    return " ".join(p for p in (years["n"], "more" if years["more"] else "", "years", kind) if p)


def death_outcome(verb: str, s: str) -> str | None:
    if "bomb" in s:
        return "killed by a bomb"
    if verb.lower() == "murdered":
        return "murdered by the NKVD" if "NKVD" in s else "murdered"
    if re.search(r"\baccident\b.*\bsuicide\b", s):
        return "accident or suicide"
    manners = [phrase for pattern, phrase in _DEATH_MANNERS if re.search(pattern, s)]
    return " ".join(["died", *manners]) if manners else None


def documents(seg: str) -> list[str]:
    out = []
    for m in _DOC_RE.finditer(seg):
        if not m["kind"]:
            out.append("treaty-of-brest-litovsk")
        else:
            # Numbers in words, as the footnotes' and glossary's extractors name them.
            out.append(f"{m['kind'].lower()}-of-the-{slugify(_words(_number(m['num'])))}")
    return list(dict.fromkeys(out))


def _words(n: int) -> str:
    names = {v: k for k, v in _NUMBERS.items()}
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    parts = [f"{names[hundreds].title()} Hundred"] if hundreds else []
    if rest and rest < 20:
        parts.append(names[rest].title())
    elif rest:
        parts.append(names[tens * 10].title() + (f"-{names[units].title()}" if units else ""))
    return " ".join(parts)


def _number(words: str) -> int:
    total, part = 0, 0
    for w in re.split(r"[- ]", words.lower()):
        if w == "hundred":
            part = (part or 1) * 100
        else:
            part += _NUMBERS.get(w, 0)
    return total + part
