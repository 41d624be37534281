"""A later document → proposals: for each item it reports on, a new status, a progress value and the evidence.

Everything here is plain data (dataclasses with ``as_dict``) so that the command line and the
app show the same thing: each proposal names the item, what would change, and the evidence
sentence with its span and line in the document's text (for highlighting). Nothing is
written here; :mod:`geo.progress.apply` applies the proposals a person accepts.
"""
from __future__ import annotations

import copy
import datetime as _dt
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path

from geo.contract import STATUS_LABELS
from geo.extract import ExtractError, extract_text
from geo.extract.numerals import find_quantities, parse_quantity
from geo.ids import dedupe_ids
from geo.progress import match as M
from geo.progress.reading import Mention, ProgressDocument, ProgressError
from geo.progress.status import STATUS_RANK, Cue, continues_earlier_work, read_cue

# Proposal actions.
UPDATE, NEW, CONFLICT, UNCHANGED = "update", "new", "conflict", "unchanged"
ACTION_LABELS = {UPDATE: "更新", NEW: "新项目", CONFLICT: "冲突(需编辑决定)", UNCHANGED: "无变化"}
QUOTE_MAX_CHARS = 300


@dataclass
class Evidence:
    """Where the document reports on the item: the piece, its sentence, and the words the status came from."""

    start: int                  # the piece naming the work, as offsets into the document text
    end: int
    sentence_start: int         # the sentence quoted as evidence
    sentence_end: int
    line: int
    section: str | None
    quote: str                  # the sentence's text (shortened past QUOTE_MAX_CHARS)
    forward: bool               # a plan's statement (will …) rather than a report (has …)
    status: str | None          # the status this piece gives, None when it names the work only
    cue: str                    # the words it was read from, e.g. 通过竣工验收
    cue_start: int | None
    cue_end: int | None
    explicit: bool
    done: float | None          # amount done in the item's unit, where stated
    done_text: str | None       # the amount as written (4.3公里)
    amount_text: str | None     # any amount in the words of the status (完成清淤2.6公里), in whatever unit
    parts: tuple[str, ...]      # the item's places this piece names
    score: float
    reason: str

    def as_dict(self) -> dict:
        d = asdict(self)
        d["parts"] = list(self.parts)
        return d


@dataclass
class Proposal:
    key: str                    # stable within a review: "item:<id>" or "new:<id>"
    action: str                 # update | new | conflict | unchanged
    item_id: str
    name: str
    category: str | None
    base_version: int | None    # the item's version the proposal was made from (None: a new item)
    status_before: str | None
    status: str | None          # proposed status
    progress_before: float | None
    progress: float | None      # proposed progress.done, in the unit of ``target``
    target: dict | None         # the item's quantity {value, unit, qualifier}
    evidence: Evidence
    more_evidence: list[Evidence] = field(default_factory=list)
    explanation: str = ""       # how the status was decided, for a person
    conflict: str | None = None  # why an editor must decide (a person set the status)
    feature: dict | None = None  # the item to create (action new)

    @property
    def changes(self) -> dict[str, tuple]:
        out = {}
        if self.status is not None and self.status != self.status_before:
            out["status"] = (self.status_before, self.status)
        if self.progress is not None and self.progress != self.progress_before:
            out["progress"] = (self.progress_before, self.progress)
        return out

    @property
    def applicable(self) -> bool:
        return self.action in (UPDATE, NEW)

    def progress_text(self) -> str | None:
        if self.progress is None:
            return None
        unit = (self.target or {}).get("unit") or ""
        value = (self.target or {}).get("value")
        if value:
            return f"{_num(self.progress)}/{_num(value)}{unit}"
        return f"{_num(self.progress)}{unit}"

    def as_dict(self) -> dict:
        return {
            "key": self.key, "action": self.action, "item_id": self.item_id, "name": self.name,
            "category": self.category, "base_version": self.base_version,
            "status_before": self.status_before, "status": self.status,
            "progress_before": self.progress_before, "progress": self.progress, "target": self.target,
            "evidence": self.evidence.as_dict(), "more_evidence": [e.as_dict() for e in self.more_evidence],
            "explanation": self.explanation, "conflict": self.conflict, "feature": copy.deepcopy(self.feature),
            "changes": {k: list(v) for k, v in self.changes.items()},
        }


@dataclass
class Review:
    """Everything a document proposes, for a person to accept or reject one by one."""

    document: ProgressDocument
    town: str
    county: str | None
    items_considered: int
    proposals: list[Proposal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def by_action(self, action: str) -> list[Proposal]:
        return [p for p in self.proposals if p.action == action]

    @property
    def updates(self) -> list[Proposal]:
        return self.by_action(UPDATE)

    @property
    def new_items(self) -> list[Proposal]:
        return self.by_action(NEW)

    @property
    def conflicts(self) -> list[Proposal]:
        return self.by_action(CONFLICT)

    @property
    def unchanged(self) -> list[Proposal]:
        return self.by_action(UNCHANGED)

    def proposal(self, key: str) -> Proposal:
        for p in self.proposals:
            if p.key == key:
                return p
        raise KeyError(key)

    def summary(self) -> str:
        d = self.document
        return (f"{d.name}: {d.kind_label} of {self.town}{f' ({d.year})' if d.year else ''} — "
                f"{len(self.updates)} updates, {len(self.new_items)} new items, {len(self.conflicts)} conflicts, "
                f"{len(self.unchanged)} mentioned without change; {self.items_considered} items considered, "
                f"{self.items_considered - len({p.item_id for p in self.proposals if p.action != NEW})} not mentioned (kept)")

    def as_dict(self) -> dict:
        d = self.document
        return {
            "document": {"name": d.name, "plan_id": d.plan_id, "title": d.title, "town": d.town,
                         "county": d.county, "year": d.year, "kind": d.kind, "kind_label": d.kind_label},
            "town": self.town, "county": self.county, "items_considered": self.items_considered,
            "warnings": list(self.warnings), "proposals": [p.as_dict() for p in self.proposals],
        }


# ---------------------------------------------------------------------------------------------
# reviewing a document against items
# ---------------------------------------------------------------------------------------------
def short_name(name: str | None) -> str | None:
    if not name:
        return None
    short = re.sub(r"(?:街道|镇|乡|县|市|区)$", "", name)
    return short if len(short) >= 2 else name


def same_place_name(a: str | None, b: str | None) -> bool:
    return bool(a and b and (a == b or short_name(a) == short_name(b)))


def _items_of_town(features: list[dict], document: ProgressDocument, town: str | None,
                   county: str | None) -> tuple[str, str | None, list[dict]]:
    """The items of the document's town; ProgressError when the document is about another town."""
    live = [f for f in features if not (f.get("properties") or {}).get("dropped")]
    if not live:
        raise ProgressError("the store holds no items yet; build the town's plan first "
                            "(python -m geo build PLAN), then read its later documents")
    towns = Counter((f.get("properties") or {}).get("town") for f in live)
    named = [t for t in towns if t]
    want_town = town or document.town
    want_county = county or document.county
    listing = "、".join(f"{t}（{n} 项）" for t, n in towns.most_common() if t) or "no town"
    if not named:  # items built from a plan whose title named no town: nothing to check against
        return want_town or "（未注明镇）", want_county, live
    if want_town:
        mine = [f for f in live if same_place_name((f.get("properties") or {}).get("town"), want_town)]
        if want_county:
            mine = [f for f in mine if not (f["properties"].get("county")
                                            and not same_place_name(f["properties"]["county"], want_county))]
        if not mine:
            where = want_town + (f"（{want_county}）" if want_county else "")
            raise ProgressError(
                f"{document.name}: the document is about {where}, but the store holds items of {listing}; "
                f"give a document of {'、'.join(named) or 'that town'}, or build {want_town}'s plan first")
        real_town = Counter(f["properties"].get("town") for f in mine).most_common(1)[0][0]
        real_county = Counter(f["properties"].get("county") for f in mine).most_common(1)[0][0] or want_county
        return real_town, real_county, mine
    if len(named) == 1 and (named[0] in document.text or (short_name(named[0]) or "") in document.text):
        mine = [f for f in live if f["properties"].get("town") == named[0]]
        return named[0], Counter(f["properties"].get("county") for f in mine).most_common(1)[0][0], mine
    raise ProgressError(
        f"{document.name}: cannot tell which town the document is about (its title names none"
        + (f" and the text does not mention {named[0]}" if len(named) == 1 else "")
        + f"); the store holds items of {listing}; pass --town NAME if it is about one of them")


@dataclass
class _Found:
    mention: Mention
    profile: M.MentionProfile
    match: M.Match


def review_items(features: list[dict], document: ProgressDocument, *, town: str | None = None,
                 county: str | None = None, person_lookup=None, known_places=(), gazetteer=None,
                 plan_texts: dict[str, str] | None = None) -> Review:
    """Proposals of ``document`` for ``features`` (the stored items); nothing is written.

    ``person_lookup(features) -> {"status": {id: who}, "progress": {id: who}}`` names the matched
    items whose status or progress a person set after the item was built (see :func:`person_set`);
    a change to those becomes a conflict for an editor, never an update. ``plan_texts`` (plan id →
    the plan's text) tells which items one plan sentence lists together.
    """
    real_town, real_county, items = _items_of_town(features, document, town, county)
    own = tuple(n for n in {real_town, short_name(real_town), real_county, short_name(real_county),
                            document.town, short_name(document.town)} if n)
    items = [_with_read_text(f, real_town, real_county) for f in items]
    listed = [M.profile_item(f, own) for f in items]
    doc_places = {p for m in document.mentions for p in ((m.extracted or {}).get("places") or [])
                  if isinstance(p, str) and M.place_kind(p) != "area"}
    known = sorted({v for p in listed for vs in p.variants.values() for v in vs}
                   | {v for p in doc_places for v in M.place_variants(p, own)} | set(known_places or ()))
    profiles = [M.profile_item(f, own, known) for f in items]
    M.link_items(profiles, plan_texts)
    by_id = {p.item_id: p for p in profiles}
    review = Review(document, real_town, real_county, len(items))

    mention_profiles = {}
    found: dict[int, list[_Found]] = {}
    for mention in document.mentions:
        mp = M.profile_mention(document.text[mention.start:mention.end], known, own, mention.extracted)
        mention_profiles[mention.index] = mp
        matches = M.best_matches(profiles, mp, own)
        matches = [m for m in matches if not _new_years_target(document, mention, by_id[m.item_id])]
        if matches:
            found[mention.index] = [_Found(mention, mp, m) for m in matches]

    _attach_repeats(document, found, mention_profiles, by_id)
    owners = _clause_owners(document, found)
    evidence: dict[str, list[Evidence]] = {}
    for fs in found.values():
        for f in fs:
            item = by_id[f.match.item_id]
            evidence.setdefault(item.item_id, []).append(_evidence(document, f.mention, item, f.match, owners))

    people = person_lookup([by_id[i].feature for i in evidence]) if person_lookup and evidence else {}
    person_status = people.get("status") or {}
    person_progress = people.get("progress") or {}
    for item in profiles:  # in store order, so the list reads like the plan
        if item.item_id in evidence:
            review.proposals.append(_decide(document, item, evidence[item.item_id],
                                            person_status.get(item.item_id), person_progress.get(item.item_id)))

    review.proposals.extend(_new_items(document, found, mention_profiles, owners, real_town, real_county,
                                       known, own, gazetteer))
    if not review.proposals:
        raise ProgressError(
            f"{document.name}: no recognisable progress — none of its {len(document.mentions)} passages reports "
            f"on an item of {real_town} or names a located work; give a work summary, half-year report, "
            "progress list or next year's plan of the town")
    years = {it.year for it in profiles if it.year}
    if document.year and years and document.year < min(years):
        review.warnings.append(f"the document ({document.year}) is older than the plan ({min(years)}); "
                               "its statements may be out of date")
    return review


def _with_read_text(feature: dict, town, county) -> dict:
    """An item with neither places nor quantity (a clause a reviewer added by hand) read with the extractor's rules.

    Only matching sees the result; the stored item is not changed.
    """
    props = feature.get("properties") or {}
    if props.get("places") or props.get("quantity") or not props.get("text"):
        return feature
    text = props["text"].strip()
    try:
        _d, found = extract_text(text if text.endswith(("。", "；", ";")) else text + "。", plan_id="read",
                                 town=town, county=county, year=props.get("year"))
    except ExtractError:
        found = []
    quantity = next((it["quantity"] for it in found if it.get("quantity")), None)
    if quantity is None and (q := parse_quantity(text)) is not None and q.unit:
        quantity = q.as_dict()
    places = sorted({p for it in found for p in it.get("places") or []}, key=text.find)
    if not places and quantity is None:
        return feature
    out = copy.copy(feature)
    out["properties"] = dict(props, places=places, quantity=quantity)
    return out


def _new_years_target(document: ProgressDocument, mention: Mention, item: M.ItemProfile) -> bool:
    """A later year's plan restating a town-wide target (新建农村公路3公里) sets a new target, unless it says it carries one over."""
    if not item.town_wide or not (item.quantity or {}).get("value") \
            or not (document.year and item.year and document.year > item.year):
        return False
    own = [document.clauses[i] for i in mention.clauses]
    if not all(c.forward for c in own):
        return False
    own_text = document.text[own[0].start:own[-1].end]
    if continues_earlier_work(own_text):
        return False
    target = float(item.quantity["value"])
    stated = [float(q.value) for q in find_quantities(own_text) if not q.is_money and q.value is not None
              and q.unit and M.convert(float(q.value), q.unit, item.quantity.get("unit") or q.unit) is not None]
    return not any(abs(v - target) < 1e-9 for v in stated)  # the same amount again: the target carried over


def _attach_repeats(document, found, mention_profiles, by_id) -> None:
    """A piece right after a matched one in the same sentence that repeats its work (…改造全面完成，改造路面1.2公里) is about the same item."""
    last_in_sentence: dict[int, _Found] = {}
    for mention in document.mentions:
        fs = found.get(mention.index)
        if fs:
            last_in_sentence[mention.sentence] = fs[0]
            continue
        prev = last_in_sentence.get(mention.sentence)
        if prev is None or mention.extracted is None:
            continue
        mp = mention_profiles[mention.index]
        item = by_id[prev.match.item_id]
        sim = M.work_similarity(item.core, mp.core)
        foreign = [p for p in mp.found_places if not any(p[0] in v or v in p[0] for vs in item.variants.values() for v in vs)]
        hits = tuple(p for p in item.places if any(v in mp.norm for v in item.variants[p]))
        named_within = any(f[0] in v for f in mp.found_places for vs in item.variants.values() for v in vs)
        if foreign:
            continue
        same_clause = bool(set(mention.clauses) & set(prev.mention.clauses))
        if hits:
            reason = f"同一句中接着说此项目的 {'、'.join(hits)}"
        elif same_clause or named_within or mp.core == "" or (sim is not None and sim >= 0.5):
            reason = "同一句中接着说同一项工作"
            hits = prev.match.hits  # about the same part of the works as the piece before
        else:
            continue
        found[mention.index] = [_Found(mention, mp, M.Match(item.item_id, prev.match.score - 0.01, hits, sim, reason))]


def _clause_owners(document: ProgressDocument, found: dict[int, list[_Found]]) -> dict[int, set]:
    """clause index → the items (or "new:<mention>") whose pieces stand in it."""
    owners: dict[int, set] = {}
    for mention in document.mentions:
        ids = {f.match.item_id for f in found.get(mention.index, [])} or (
            {f"new:{mention.index}"} if mention.extracted is not None else {f"text:{mention.index}"})
        for c in mention.clauses:
            owners.setdefault(c, set()).update(ids)
    return owners


def _is_table_row(document: ProgressDocument, sentence: int) -> bool:
    """Cells of a table (name, plan, progress), or a list entry "桐溪大桥加固工程：6月开工…": the row is one work."""
    cs = document.sentence_clauses(sentence)
    gaps = sum(1 for a, b in zip(cs, cs[1:]) if document.text[a.end:b.start].strip(" \t\u3000\u00a0") == "")
    if gaps >= 2:
        return True
    return len(cs) >= 2 and document.text[cs[0].end:cs[1].start].strip() in ("：", ":") and cs[0].end - cs[0].start <= 24


def _cue_candidates(document: ProgressDocument, mention: Mention, item: M.ItemProfile, owners: dict[int, set]):
    """(own clauses, clauses after, clauses before) the status of the piece may be written in.

    The search stops (in prose) or skips a cell (in a table row) at a clause about other works:
    another item, except one of the same plan sentence, or a clause naming works of its own.
    """
    sentence = document.sentence_clauses(mention.sentence)
    own = [c for c in sentence if c.index in mention.clauses]
    first, last = own[0].index, own[-1].index
    row = _is_table_row(document, mention.sentence)
    def others(c):
        rest = owners.get(c.index, set()) - {item.item_id}
        if row:
            # a cell is skipped only for another item's works, not for an unmatched cell of this row nor
            # for an item the plan states in the same sentence ("高山蔬菜基地：新增种植300亩")
            return bool({o for o in rest if not str(o).startswith(("new:", "text:"))} - set(item.siblings))
        if any(str(o).startswith("text:") for o in rest):
            core = M.work_core(document.clause_text(c), [])
            sim = M.work_similarity(item.core, core)
            return len(core.replace("|", "")) >= 2 and (sim is None or sim < 0.3)
        return bool(rest)

    after, before = [], []
    for c in (c for c in sentence if c.index > last):
        if others(c):
            if row:
                continue
            break
        after.append(c)
    for c in (c for c in reversed(sentence) if c.index < first):
        if others(c):
            if row:
                continue
            break
        before.append(c)
    return own, after, before, row


def _read(document: ProgressDocument, clause, carried_over: bool, item_text: str) -> Cue | None:
    return read_cue(document.clause_text(clause), forward=clause.forward, carried_over=carried_over,
                    item_text=item_text)


def _evidence(document: ProgressDocument, mention: Mention, item: M.ItemProfile, match: M.Match,
              owners: dict[int, set]) -> Evidence:
    carried = bool(item.year and document.year and item.year < document.year)
    own, after, before, row = _cue_candidates(document, mention, item, owners)
    own_clause = own[0]
    own_text_start, own_text_end = own[0].start, own[-1].end
    own_cue = read_cue(document.text[own_text_start:own_text_end], forward=own_clause.forward, carried_over=carried,
                       item_text=item.text)
    if own_cue:
        own_cue = _shift(own_cue, own_text_start)
    cues_after = [(c, _shift(q, c.start)) for c in after if (q := _read(document, c, carried, item.text))]
    cues_before = [(c, _shift(q, c.start)) for c in before if (q := _read(document, c, carried, item.text))]
    cue, cue_clauses = _choose_cue(own_cue, own, cues_after, cues_before, row)

    done, done_text, amount_text = None, None, None
    if cue is not None and not cue.forward and cue.status != "suspended":
        # a table row's plan column (年度计划 3000亩) is not progress: only the cells with the status count there
        search = list(cue_clauses) + (own if row else own + after)
        unit = (item.quantity or {}).get("unit")
        for c in search:
            got = _amount(document.clause_text(c), unit) if unit else None
            if got:
                done, done_text = got
                break
        amount_text = next((t for c in cue_clauses if (t := _any_amount(document.clause_text(c)))), None)
    if done is None and cue is not None and not cue.forward and cue.status != "suspended" \
            and M.unit_dimension((item.quantity or {}).get("unit")) == "count":
        done, done_text = _enumerated(document, mention)
    sentence = document.sentence_clauses(mention.sentence)
    s_start, s_end = sentence[0].start, sentence[-1].end
    quote = document.text[s_start:s_end]
    if len(quote) > QUOTE_MAX_CHARS:
        quote = quote[:QUOTE_MAX_CHARS] + "…"
    return Evidence(
        start=mention.start, end=mention.end, sentence_start=s_start, sentence_end=s_end,
        line=document.line_of(mention.start), section=own_clause.section, quote=quote,
        forward=cue.forward if cue else own_clause.forward, status=cue.status if cue else None,
        cue=cue.words if cue else "", cue_start=cue.start if cue else None, cue_end=cue.end if cue else None,
        explicit=bool(cue and cue.explicit), done=done, done_text=done_text, amount_text=amount_text,
        parts=match.hits, score=match.score, reason=match.reason)


def _enumerated(document: ProgressDocument, mention: Mention) -> tuple[int | None, str | None]:
    """"前山村、后湾村通过…验收" against a count target: two places listed, two done."""
    text = document.text[mention.start:mention.end]
    names = (mention.extracted or {}).get("places") or []
    listed = re.findall(r"([\u4e00-\u9fff]{2,8}?(?:村|社区|小区|新村|水库|学校|小学|幼儿园))(?=[、和及与])", text)
    if len(listed) >= 1 and len(set(listed) | set(names)) >= 2 and re.search(r"[、和及与]", text):
        count = len(set(listed)) + 1
        return count, text
    return None, None


def _shift(cue: Cue, offset: int) -> Cue:
    return Cue(cue.status, cue.words, cue.start + offset, cue.end + offset, cue.forward, cue.explicit,
               cue.partial, cue.continues)


def _choose_cue(own_cue, own, cues_after, cues_before, row) -> tuple[Cue | None, list]:
    """The status of a piece: its own clause's words first, then the clauses after it, then before."""
    if row and own_cue and own_cue.explicit and not own_cue.forward:
        return own_cue, own  # a cell that names its own works and their state ("堤防加固尚未启动")
    if row:
        # a table row: the name in one cell, the plan in the next, the progress in the last
        rows = ([(own[0], own_cue)] if own_cue else []) + cues_after + cues_before
        past = [(c, q) for c, q in rows if q.explicit and not q.forward]
        if past:
            statuses = {q.status for _, q in past}
            if statuses == {"completed"}:
                status = "completed"
            elif statuses == {"suspended"}:
                status = "suspended"
            else:
                status = "in_progress"
            pick = next((c, q) for c, q in reversed(past) if q.status == status) if status != "in_progress" \
                else next(((c, q) for c, q in reversed(past) if q.status == "in_progress"), past[-1])
            q = pick[1]
            return Cue(status, q.words, q.start, q.end, False, True, q.partial, q.continues), [c for c, _ in reversed(past)]
        fwd = [(c, q) for c, q in rows if q.explicit]
        if fwd:
            return fwd[0][1], [fwd[0][0]]
        if own_cue:
            return own_cue, own
        if rows:  # "高山蔬菜基地：新增种植300亩": a did-verb in the progress cell
            return rows[0][1], [rows[0][0]]
        return None, []
    if own_cue and own_cue.explicit:
        if own_cue.status == "completed" and not own_cue.forward and any(
                q.forward and q.status in ("planned", "in_progress") for _, q in cues_after):
            # "…完成路基，路面工程转入明年实施": what is left for next year means the works go on
            c, q = next((c, q) for c, q in cues_after if q.forward)
            return Cue("in_progress", q.words, q.start, q.end, False, True, True), own + [c]
        return own_cue, own
    for c, q in cues_after:
        if q.explicit:
            return q, [c]
    for c, q in cues_before:
        if q.explicit:
            return q, [c]
    if own_cue:
        return own_cue, own
    return None, []


def _any_amount(text: str) -> str | None:
    for q in find_quantities(text):
        if not q.is_money and q.unit and q.value is not None:
            return text[q.start:q.end]
    return None


def _amount(text: str, unit: str) -> tuple[float, str] | None:
    for q in find_quantities(text):
        if q.is_money or q.unit is None or q.value is None:
            continue
        value = M.convert(float(q.value), q.unit, unit)
        if value is not None:
            return (int(value) if float(value).is_integer() else value), text[q.start:q.end]
    return None


def _evidence_rank(e: Evidence):
    return (e.status is not None, not e.forward, e.explicit, e.score, e.start)


def _decide(document: ProgressDocument, item: M.ItemProfile, evs: list[Evidence], person_status: str | None,
            person_progress: str | None) -> Proposal:
    props = item.feature.get("properties") or {}
    before = props.get("status")
    progress_before = (props.get("progress") or {}).get("done") if isinstance(props.get("progress"), dict) else None
    evs = sorted(evs, key=_evidence_rank, reverse=True)
    primary = evs[0]
    pool = [e for e in evs if e.status and not e.forward] or [e for e in evs if e.status]
    status, why = None, "文件提到此项目，但未说明进展"
    if pool:
        status, why = _status_from(pool, item)
        primary = next((e for e in evs if e is pool[0]), primary)
    done = next((e.done for e in pool if e.done is not None), None) if status != "suspended" else None
    target = item.quantity if item.quantity and item.quantity.get("value") is not None else None
    if done is not None and target and pool and not pool[0].forward:
        goal = float(target["value"])
        if done < goal and status == "completed":
            status, why = "in_progress", f"完成量 {_num(done)} 未达目标 {_num(goal)}{target.get('unit') or ''}"
        elif done >= goal and status == "in_progress" and not pool[0].explicit:
            status, why = "completed", f"完成量 {_num(done)} 达到目标 {_num(goal)}{target.get('unit') or ''}"
    if status == "completed" and done is None and primary.cue == "完成" and primary.amount_text and not pool[0].forward:
        # "完成清淤2.6公里" of works with no such target: an amount of work done, not the works finished
        status, why = "in_progress", f"“完成{primary.amount_text}”是完成的工作量，不是项目完工"
    if status and pool and all(e.forward for e in pool) and before in STATUS_RANK and status in STATUS_RANK \
            and STATUS_RANK[status] < STATUS_RANK[before]:
        why = f"计划文件说“{pool[0].cue}”，不把状态从{STATUS_LABELS[before]}退回{STATUS_LABELS[status]}"
        status = before
    proposal = Proposal(
        key=f"item:{item.item_id}", action=UNCHANGED, item_id=item.item_id, name=props.get("name") or item.text,
        category=props.get("category"), base_version=props.get("version"), status_before=before,
        status=status, progress_before=progress_before, progress=done, target=item.quantity,
        evidence=primary, more_evidence=[e for e in evs if e is not primary], explanation=why)
    changes = proposal.changes
    if not changes:
        return proposal
    blocked = []
    if "status" in changes and person_status:
        blocked.append(f"状态由 {person_status} 人工设定")
    if "progress" in changes and person_progress:
        blocked.append(f"进度由 {person_progress} 人工设定")
    if blocked:
        proposal.action = CONFLICT
        proposal.conflict = "；".join(blocked) + "，不自动覆盖，请编辑决定 (a person set this; an editor decides)"
    else:
        proposal.action = UPDATE
    return proposal


def _status_from(pool: list[Evidence], item: M.ItemProfile) -> tuple[str, str]:
    """The item's status from its evidence; for an item of several sites, from what is said of each."""
    parts = item.parts
    whole = [e for e in pool if not parts or not e.parts or set(e.parts) >= set(parts)]
    if whole or not parts:
        best = (whole or pool)[0]
        return best.status, f"“{best.cue}”" if best.cue else "文件所述"
    said: dict[str, str] = {}
    for e in pool:
        for p in e.parts:
            said.setdefault(p, e.status)
    statuses = [said.get(p) for p in parts]
    text = "，".join(f"{p}{STATUS_LABELS.get(s, '未提及') if s else '未提及'}" for p, s in zip(parts, statuses))
    if all(s == "completed" for s in statuses):
        return "completed", text
    if all(s == "suspended" for s in statuses):
        return "suspended", text
    if any(s in ("completed", "in_progress") for s in statuses):
        return "in_progress", text + "：部分完成"
    return pool[0].status, text


# ---------------------------------------------------------------------------------------------
# works the document reports that no item covers
# ---------------------------------------------------------------------------------------------
def _new_items(document, found, mention_profiles, owners, town, county, known, own, gazetteer) -> list[Proposal]:
    from geo.build import item_feature
    from geo.gazetteer import Gazetteer
    from geo.geocode import GeocoderChain

    gaz = gazetteer if gazetteer is not None else Gazetteer(None, [])
    chain = GeocoderChain(gaz, providers=[])
    out: list[Proposal] = []
    profiles: list[M.ItemProfile] = []
    for mention in document.mentions:
        if mention.index in found or mention.extracted is None:
            continue
        mp = mention_profiles[mention.index]
        props = copy.deepcopy(mention.extracted)
        if not _substantive(mp, props):
            continue
        feature = {"type": "Feature", "id": props["id"], "geometry": None, "properties": props}
        profile = M.profile_item(feature, own)
        twin = next((p for p in profiles if M.match_item(p, mp, own)), None)
        ev = _evidence(document, mention, profile, M.Match(profile.item_id, 1.0, tuple(profile.places), None,
                                                             "文件中未对应任何已有项目"), owners)
        if twin is not None:  # the same new work named twice (review, then next year's plan)
            prop = next(p for p in out if p.item_id == twin.item_id)
            prop.more_evidence.append(ev)
            continue
        status = ev.status or ("planned" if ev.forward else "in_progress")
        if ev.status == "in_progress" and not ev.explicit and not ev.forward and props.get("quantity"):
            status = "completed"  # "新建三江口排涝泵站1座" in a report: the counted work was built
        # the amount a report states of new works is what was done: set it, so reading the same document
        # again proposes nothing more for the item it created
        done = _num_value((props.get("quantity") or {}).get("value")) \
            if status == "completed" and (props.get("quantity") or {}).get("unit") else None
        props.update({
            "plan": document.plan_id, "town": town, "county": county, "year": document.year,
            "status": status, "notes": None, "origin": "import",
            "x_progress_source": source_record(document, ev, status=status, done=done, plan_status=None),
        })
        if done is not None:
            props["progress"] = {"done": done, "updated_at": _now_iso()}
        props.setdefault("precision", "none")
        props.setdefault("geometry_source", None)
        try:
            feature = item_feature(props, gaz, chain)
        except Exception:  # noqa: BLE001  (locating is a bonus; the item stands without it)
            feature = {"type": "Feature", "id": props["id"], "geometry": None, "properties": props}
        profiles.append(M.profile_item(feature, own))
        out.append(Proposal(
            key=f"new:{props['id']}", action=NEW, item_id=props["id"], name=props.get("name") or props["text"],
            category=props.get("category"), base_version=None, status_before=None, status=status,
            progress_before=None, progress=None, target=props.get("quantity"), evidence=ev,
            explanation="文件所报工作不对应任何已有项目，建议作为新项目", feature=feature))
    ids = dedupe_ids([p.item_id for p in out])
    for p, new_id in zip(out, ids):
        if new_id != p.item_id:
            p.item_id = p.feature["id"] = p.feature["properties"]["id"] = new_id
            p.key = f"new:{new_id}"
    return out


def _substantive(mp: M.MentionProfile, props: dict) -> bool:
    """A piece that names a work of its own (a place, or a few words of work), not "剩余2个村正在施工"."""
    return bool(mp.found_places or props.get("places") or len(mp.core.replace("|", "")) >= 3)


def source_record(document: ProgressDocument, ev: Evidence, *, status: str | None, done, plan_status: str | None) -> dict:
    """``x_progress_source`` of an item a document changed or added: which document, where, and what it said.

    ``plan_status`` is the status the item had before any document changed it (None: the item
    comes from the document itself), so "changed since the plan" needs no history.
    """
    return {"document": document.name, "plan": document.plan_id, "span": [ev.start, ev.end],
            "sentence": [ev.sentence_start, ev.sentence_end], "line": ev.line, "status": status, "done": done,
            "plan_status": plan_status}


def progress_note(document: ProgressDocument, proposal: Proposal) -> str:
    """The progress note applying a proposal adds: the document, where in it, the quoted evidence, the outcome."""
    ev = proposal.evidence
    outcome = []
    if proposal.status and proposal.status != proposal.status_before:
        outcome.append(f"状态 {STATUS_LABELS.get(proposal.status_before, proposal.status_before or '—')} → "
                       f"{STATUS_LABELS[proposal.status]}")
    if proposal.progress is not None and proposal.progress != proposal.progress_before:
        outcome.append(f"进度 {proposal.progress_text()}")
    return (f"《{document.name}》第{ev.line}行（字符 {ev.sentence_start}–{ev.sentence_end}）：“{ev.quote}”"
            + (f" — {'，'.join(outcome)}" if outcome else ""))


def evidence_html(text: str, proposal: Proposal, *, context: int = 120) -> str:
    """The evidence sentence with the piece and the status words marked, every character escaped."""
    ev = proposal.evidence
    start = max(0, ev.sentence_start - context)
    end = min(len(text), ev.sentence_end + context)
    marks = [(ev.start, ev.end, "work")]
    if ev.cue_start is not None and ev.cue_end is not None:
        marks.append((ev.cue_start, ev.cue_end, "cue"))
    cuts = sorted({start, end} | {p for s, e, _ in marks for p in (s, e) if start <= p <= end})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        kinds = [k for s, e, k in marks if s <= a and b <= e]
        piece = escape(text[a:b]).replace("\n", "<br>")
        if "cue" in kinds:
            piece = f'<mark class="progress-cue">{piece}</mark>'
        if "work" in kinds:
            piece = f'<mark class="progress-work">{piece}</mark>'
        out.append(piece)
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


def _num_value(v):
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


def _now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _num(v) -> str:
    if v is None:
        return "?"
    return f"{int(v)}" if float(v).is_integer() else f"{v:g}"


# ---------------------------------------------------------------------------------------------
# reviewing against a store
# ---------------------------------------------------------------------------------------------
PROGRESS_USER_PREFIX = "progress:"


def progress_user(document_name: str, editor: str | None = None) -> str:
    """The history's user for changes from a document: "progress:<file>", or "<editor> via progress:<file>"."""
    base = f"{PROGRESS_USER_PREFIX}{document_name}"
    return f"{editor} via {base}" if editor else base


def is_progress_user(user: str | None) -> bool:
    return bool(user) and (user.startswith(PROGRESS_USER_PREFIX) or f" via {PROGRESS_USER_PREFIX}" in user)


def person_set(store, features: list[dict], fields=("status", "progress")) -> dict[str, dict[str, str]]:
    """{field: {item id: "who at when"}} for items whose field a person set after the item was built.

    The last change of the field in the history decides: the build and import pipelines
    (``is_machine_user``) and earlier progress documents are not a person's decision. An item
    whose history is gone counts as person-set when ``edited_fields`` names the field.
    """
    from geo.store.base import is_machine_user

    ids = {f.get("id") for f in features}
    try:
        entries = store.history() if len(ids) > 50 else [e for i in ids for e in store.history(i)]
    except Exception:  # noqa: BLE001  (no history: fall back to edited_fields below)
        entries = []
    last: dict[tuple[str, str], object] = {}
    seen_field: set[tuple[str, str]] = set()
    for e in entries:
        if e.item in ids and e.field in fields:
            seen_field.add((e.item, e.field))
            last[(e.item, e.field)] = e
    out: dict[str, dict[str, str]] = {f: {} for f in fields}
    for f in features:
        props = f.get("properties") or {}
        for name in fields:
            e = last.get((f.get("id"), name))
            if e is not None:
                if e.action != "create" and not is_machine_user(e.user) and not is_progress_user(e.user):
                    out[name][f["id"]] = f"{e.user}（{str(e.ts)[:10]}）"
            elif (f.get("id"), name) not in seen_field and name in (props.get("edited_fields") or []) \
                    and not is_progress_user(props.get("updated_by")):
                out[name][f["id"]] = f"{props.get('updated_by') or '某位编辑'}"
    return out


def propose(store, document: ProgressDocument, *, town: str | None = None, county: str | None = None,
            gazetteer=None, plans_dir=None) -> Review:
    """Proposals of ``document`` for the items in ``store`` (see :func:`review_items`); nothing is written.

    ``gazetteer``: the town's places (their names help to tell places apart, and new items are
    located from it); ``plans_dir``: the folder of plan texts (default: ``plans/`` of a folder store).
    """
    if plans_dir is None and getattr(store, "directory", None) is not None:
        plans_dir = store.directory / "plans"
    known = gazetteer.names() if gazetteer is not None else ()
    features = store.load()
    return review_items(features, document, town=town, county=county,
                        person_lookup=lambda matched: person_set(store, matched), known_places=known,
                        gazetteer=gazetteer, plan_texts=plan_texts(features, plans_dir))


def plan_texts(features: list[dict], plans_dir) -> dict[str, str]:
    """The texts of the items' plans found in ``plans_dir`` (plan id → text); plans not there are left out."""
    from geo.plantext import PlanTextError, plan_path, read_plan

    out: dict[str, str] = {}
    if plans_dir is None or not Path(plans_dir).is_dir():
        return out
    for plan in sorted({(f.get("properties") or {}).get("plan") for f in features} - {None}):
        path = plan_path(Path(plans_dir), plan)
        if path is None:
            continue
        try:
            out[plan] = read_plan(path)
        except PlanTextError:
            continue
    return out


__all__ = ["Evidence", "Proposal", "Review", "review_items", "propose", "person_set", "progress_note", "source_record",
           "evidence_html", "progress_user", "is_progress_user", "UPDATE", "NEW", "CONFLICT", "UNCHANGED",
           "ACTION_LABELS"]
