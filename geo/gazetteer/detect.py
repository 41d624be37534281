"""Which town a plan is about, from its title and text, checked against the national index.

    found = detect_town(doc.text, title=doc.title, town=doc.town, county=doc.county)
    found.town          # TownInfo when one town is clearly meant
    found.candidates    # best first, when several towns carry the name (古城街道)

The name comes from the title guess when there is one, else from the X镇/X乡/X街道 the text
writes most (the title counting most). When several towns carry the name, the text decides only
if it clearly does: it names the county, prefecture or province of one of them, or more of one
town's villages than of any other's. Otherwise the candidates are returned and the caller asks.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from geo.gazetteer.divisions import (
    DivisionIndex, DivisionsError, TownInfo, open_index, short_county_name, short_village_name,
)

_SUFFIX = re.compile(r"街道|镇|乡|苏木")
_CJK = re.compile(r"[\u3400-\u9fff]")
MAX_NAME_CHARS = 8
# X镇 words that are no town: 我镇, 全镇, 乡镇, 城镇 …
_GENERIC_HEADS = set("我本全该各乡城集小村市县区省大重强名古新特建撤此该两每")
TITLE_WEIGHT = 5


@dataclass
class Detection:
    town: TownInfo | None = None
    candidates: list[TownInfo] = field(default_factory=list)
    name: str | None = None                               # the town name the document uses
    evidence: dict[str, list[str]] = field(default_factory=dict)  # town code -> what in the text points to it
    how: str = "none"                                      # given | title | text | none

    @property
    def ambiguous(self) -> bool:
        return self.town is None and len(self.candidates) > 1

    def message(self) -> str:
        if self.town is not None:
            why = "; ".join(self.evidence.get(self.town.code, [])) or self.how
            return f"town: {self.town.label} ({why})"
        if self.candidates:
            return (f"{len(self.candidates)} towns are called {self.name}: "
                    + "; ".join(t.label for t in self.candidates[:12])
                    + f". Say which with --county (e.g. --county {self.candidates[0].county})")
        if self.name:
            return f"{self.name} is in no NBS list; give the town with --town (and --county)"
        return "cannot tell the plan's town from its title or text; give it with --town (and --county)"


def town_names_in(text: str, index: DivisionIndex, limit_chars: int = 200_000) -> Counter:
    """Town names (as the index has them) written in ``text``, with how often; longest name per place."""
    text = text[:limit_chars]
    spans: list[tuple[int, list[str]]] = []
    wanted: set[str] = set()
    for m in _SUFFIX.finditer(text):
        end = m.end()
        options = []
        for length in range(1, MAX_NAME_CHARS):
            start = m.start() - length
            if start < 0 or not _CJK.match(text[start]):
                break
            if length == 1 and text[start] in _GENERIC_HEADS:
                continue
            options.append(text[start:end])
        if options:
            spans.append((m.start(), options))
            wanted.update(options)
    known = index.towns_named(sorted(wanted)) if wanted else {}
    found: Counter = Counter()
    for _pos, options in spans:
        hits = [o for o in options if o in known]
        if hits:
            found[max(hits, key=len)] += 1
    return found


def _evidence(town: TownInfo, text: str, index: DivisionIndex) -> tuple[float, list[str]]:
    score, why = 0.0, []
    for label, name, weight in (("county", town.county, 3), ("prefecture", town.prefecture, 2),
                                ("province", town.province, 1)):
        if not name:
            continue
        short = short_county_name(name) if label != "province" else re.sub(r"(省|市|.{0,3}自治区)$", "", name)
        if name in text:
            score += weight
            why.append(f"names the {label} {name}")
        elif len(short) >= 2 and short in text:
            score += weight * 0.5
            why.append(f"names the {label} {short}")
    villages_full, villages_short = [], []
    for v in index.villages(town.code):
        for n in (v.name, *v.former_names):
            if len(n) >= 2 and n in text.replace(town.name, ""):
                villages_full.append(n)
                break
        else:
            short = short_village_name(v.name)
            if short != v.name and len(short) >= 2 and short not in town.name and re.search(re.escape(short) + r"(?=[、，,和及与村等])", text):
                villages_short.append(short)
    villages_full, villages_short = sorted(set(villages_full)), sorted(set(villages_short))
    if villages_full or villages_short:
        score += len(villages_full) + 0.5 * len(villages_short)
        why.append("names its villages " + "、".join((villages_full + villages_short)[:6])
                   + ("…" if len(villages_full) + len(villages_short) > 6 else ""))
    return score, why


def detect_town(text: str, *, title: str | None = None, town: str | None = None, county: str | None = None,
                index: DivisionIndex | None = None) -> Detection:
    """The town a plan is about. ``town``/``county`` are guesses (the extractor's, or the user's)."""
    index = index or open_index()
    body = f"{title or ''}\n{text or ''}"
    names: Counter = Counter()
    how = "text"
    if town and index.search_towns(town, prefix=False, limit=1):
        names[town] = 1
        how = "given"
    else:
        # a guess the index does not know (巴州区清江镇) is read like the title: the town name inside it counts
        for name, n in town_names_in(town or "", index).items():
            names[name] += TITLE_WEIGHT * n
        for name, n in town_names_in(title or "", index).items():
            names[name] += TITLE_WEIGHT * n
            how = "title"
        for name, n in town_names_in(text or "", index).items():
            names[name] += n
    if not names:
        return Detection(how="none")
    detection = Detection(how=how)
    for name, _weight in names.most_common(3):
        try:
            candidates = index.search_towns(name, within=county, prefix=False, limit=200)
        except DivisionsError:
            candidates = []
        current = [t for t in candidates if t.listing == "current"] or candidates
        exact = [t for t in current if t.name == name] or current
        if not exact:
            continue
        detection.name = name
        scored = []
        for t in exact:
            score, why = _evidence(t, body, index)
            detection.evidence[t.code] = why
            scored.append((score, t))
        scored.sort(key=lambda s: (-s[0], s[1].code))
        if len(scored) == 1 or (scored[0][0] >= 1 and scored[0][0] - scored[1][0] >= 1):
            detection.town = scored[0][1]
            detection.candidates = [t for _, t in scored]
            return detection
        detection.candidates = [t for _, t in scored]
        return detection
    detection.name = detection.name or names.most_common(1)[0][0]
    return detection
