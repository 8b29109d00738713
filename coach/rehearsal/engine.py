"""A practice call: the bot plays the collector of this case, the borrower answers, the coach comments on each
reply and scores the call at the end. Pure: no Rasa (actions/rehearsal.py is the adapter).

The collector follows a scenario tree (bank.yml, platform.yml, agency.yml beside this file) that branches on what
the reply shows by the rubric (rubric.py), never on chance: the same replies give the same call. The state is a
plain dict (it lives in the ``rehearsal`` slot between messages):

    {"active": bool, "style": "bank", "node": "open", "replies": [{"text": ..., "readings": [...], "node": ...}],
     "styles": ["bank"], "offer": 800, "ended_at": 12}

``ended_at`` is the caller's count of user messages when the call ended, so that 「再来一次」 is read as a new
round only soon after.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from coach import knowledge
from coach.case import conduct_rules
from coach.rehearsal import rubric
from coach.zh import rehearsal_words
from coach.zh.crisis_cues import has_crisis_cue
from coach.zh.normalizer import to_simplified

HERE = Path(__file__).parent
STYLES = rehearsal_words.STYLES
MAX_TURNS = 10  # collector lines in one call: a tree that runs longer is a broken tree (the tests walk them)
AGAIN_WITHIN = 3  # user messages after the end during which 「再来一次」 means another round
_OWN_LINES = 3


@dataclass(frozen=True)
class RehearsalCase:
    """What the collector knows of the case: the lender, the amounts, the plan already drafted."""

    lender: str | None = None
    lender_kind: str | None = None
    debt: int | None = None
    overdue_days: int | None = None
    affordable_monthly: int | None = None
    plan_monthly: int | None = None
    region: str = "mainland"
    phone_script: str = ""


@dataclass(frozen=True)
class Turn:
    """What one message of the borrower gives: the new state (None: nothing to keep), the coach's lines, the
    collector's lines, and at the end the scorecard and the improved phone script."""

    state: dict[str, Any] | None
    coach: tuple[str, ...] = ()
    collector: tuple[str, ...] = ()
    scorecard: str = ""
    script: str = ""
    ended: bool = False
    crisis: bool = False


@cache
def scenario(style: str) -> dict[str, Any]:
    """The tree of one style (bank, platform, agency)."""
    data = yaml.safe_load((HERE / f"{style}.yml").read_text(encoding="utf-8"))
    if data.get("style") != style:
        raise ValueError(f"{style}.yml names style {data.get('style')!r}")
    return dict(data)


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    return dict(yaml.safe_load((HERE / "texts.yml").read_text(encoding="utf-8")))


def default_style(lender_kind: str | None) -> str:
    """Banks' own staff for bank debts; a platform's collectors for the rest (the person can ask for another)."""
    return "bank" if lender_kind in ("credit_card", "bank_loan") else "platform"


def is_active(state: Any) -> bool:
    return isinstance(state, dict) and bool(state.get("active"))


def _money(value: int | None) -> str:
    return f"{int(value):,}" if value is not None else "这笔"


def _round_up(value: float, step: int = 100) -> int:
    return int(math.ceil(value / step) * step) if value > 0 else 0


def _values(case: RehearsalCase, state: Mapping[str, Any]) -> dict[str, str]:
    """The collector's numbers: the minimum payment (a tenth of the debt), a 30 % down payment, the borrower's last
    offer (else the drafted plan's monthly amount) and what the collector pushes for instead (twice that)."""
    debt = case.debt or 0
    offer = state.get("offer") or case.plan_monthly or case.affordable_monthly
    minimum = max(_round_up(debt * 0.1), 100) if debt else None
    down = _round_up(debt * 0.3) if debt else None
    raise_to = _round_up(offer * 2) if offer else minimum
    return {
        "lender": case.lender or "我们",
        "debt": _money(case.debt),
        "overdue": f"{case.overdue_days} 天" if case.overdue_days else "好一段时间",
        "minimum": _money(minimum),
        "down": _money(down),
        "partial": _money(minimum),
        "offer": _money(offer),
        "raise": _money(raise_to),
        "affordable": _money(case.affordable_monthly),
    }


def _say(style: str, node: str, case: RehearsalCase, state: Mapping[str, Any]) -> str:
    """The collector's line at ``node``, in the region's own wording where the tree gives one (`say_by_region`:
    a Taiwan or Hong Kong collector does not speak of the mainland's 征信)."""
    spec = scenario(style)["nodes"][node]
    line = (spec.get("say_by_region") or {}).get(case.region) or spec["say"]
    return str(line).format(**_values(case, state))


def _next_node(style: str, node: str, readings: set[str]) -> str:
    for rule in scenario(style)["nodes"][node].get("next") or []:
        when, unless = set(rule.get("when") or []), set(rule.get("unless") or [])
        if (not when or when & readings) and not unless & readings:
            return str(rule["go"])
    raise ValueError(f"{style}.yml: node {node} has no default rule")


def _route(kind: str, case: RehearsalCase) -> str:
    routes = texts()["routes"].get(case.region) or texts()["routes"]["mainland"]
    lender = "bank" if case.lender_kind in ("credit_card", "bank_loan", "consumer_finance") else "platform"
    route = routes[lender]
    if kind in ("threat", "visit"):
        route = f"{route}；{routes['safety']}"
    return str(route).format(**knowledge.hotlines())


def violation_line(kind: str, case: RehearsalCase, named: bool) -> str:
    """The coach's note on a collector's line that breaks a rule: which rule (conduct_rules.yml, or this
    package's own list for kinds it lacks), what to say, and where to complain."""
    words = texts()["violation"]
    own = words["own"].get(kind)
    if own:
        label, rule = own["label"], own["rule"]
    else:
        rules = conduct_rules.rules_for(kind, case.region, case.lender_kind)
        if not rules:  # e.g. Hong Kong has no rule on visits as such: the threat rule applies to intimidation
            rules = conduct_rules.rules_for("threat", case.region, case.lender_kind)
        label = conduct_rules.label(kind)
        rule = conduct_rules.short_label(rules[0]) if rules else ""
    said = words["named"] if named else words["not_named"].format(say=words["say"][kind])
    return words["heading"].format(label=label, rule=rule) + said + words["route"].format(route=_route(kind, case))


def feedback(readings: set[str], reply: str, case: RehearsalCase, node: Mapping[str, Any],
             collector_line: str | None = None) -> list[str]:
    """One or two short lines on one reply: the first mistake, else the best good move, else a hint for this
    moment of the call; then, after a collector's line that breaks a rule, the rule and where to complain.
    ``collector_line`` (the line answered) gives the figure a bare 「行」 agreed to."""
    words = texts()
    offer = rubric.best_offer(reply, case, collector_line)
    values = _values(case, {"offer": offer.amount if offer else None})
    values["offer"] = _money(offer.amount) if offer else values["offer"]
    lines: list[str] = []
    mistakes = rubric.mistakes(readings)
    if mistakes:
        key = mistakes[0]
        if key == "offer_above_means" and case.affordable_monthly is None:
            key = "offer_above_means_unknown"
        lines.append(words["mistake"][key].format(**values))
    violation = node.get("violation")
    good = [g for g in _GOOD_ORDER if g in readings and not (g in _MEANS_BOUND and "offer_above_means" in readings)
            and not (g == "violation_named" and violation)]  # the violation line itself says it was named
    if good and len(lines) < 1 + (not violation):
        lines.append(words["good"][good[0]].format(**values))
    if not lines and not (violation and "violation_named" in readings):
        lines.append(str(node.get("hint") or words["hint_default"]).format(**values))
    if violation:
        lines = [*lines[:1], violation_line(str(violation), case, "violation_named" in readings)]
    return lines


# Good moves that are praised only with a number the person can pay.
_MEANS_BOUND = {"offer_concrete", "lump_sum_countered"}
# The good move worth naming first when a reply shows several.
_GOOD_ORDER = ("lump_sum_countered", "offer_concrete", "violation_named", "official_account_only",
               "written_confirmation", "identity_checked", "hardship_stated")


def start(case: RehearsalCase, style: str | None = None, previous: Mapping[str, Any] | None = None) -> Turn:
    """A new call: the intro and the collector's first line. ``previous`` (a finished call) makes it a new
    round in another style unless ``style`` is given."""
    done = list((previous or {}).get("styles") or [])
    if style is None:
        style = default_style(case.lender_kind)
        if done:
            style = next((s for s in STYLES if s not in done and s != done[-1]),
                         next(s for s in STYLES if s != done[-1]))
    state: dict[str, Any] = {"active": True, "style": style, "node": scenario(style)["start"], "replies": [],
                             "styles": [*done, style], "offer": None}
    intro = texts()["intro_restyle" if done else "intro"].format(style=texts()["styles"][style])
    return Turn(state=state, coach=(intro,), collector=(_say(style, state["node"], case, state),))


def restyle(state: Mapping[str, Any], case: RehearsalCase, style: str) -> Turn:
    """「换个凶一点的」 during a call: the call starts over with the style asked for."""
    return start(case, style, {"styles": list(state.get("styles") or [])[:-1]})


def reply(state: Mapping[str, Any], text: str, case: RehearsalCase) -> Turn:
    """The borrower's reply to the collector's last line: feedback, then the collector's next line, or at the
    end of the tree the collector's last line, the scorecard and the improved phone script."""
    if crisis(text):
        return Turn(state=None, crisis=True, ended=True)
    if rehearsal_words.wants_to_stop(text):
        return stop(state, case)
    style, node_id = str(state["style"]), str(state["node"])
    node = scenario(style)["nodes"][node_id]
    said = _say(style, node_id, case, state)  # the line this reply answers (the tree is deterministic)
    asked = rehearsal_words.style_asked(text, state.get("style"))
    if asked and len(rubric.plain(text)) <= 20 and not rubric.read_reply(text, case, said):
        return restyle(state, case, asked)
    readings = rubric.read_reply(text, case, said)
    offer = rubric.best_offer(text, case, said)
    new_state = dict(state)
    new_state["replies"] = [*state.get("replies", []), {"text": text, "readings": sorted(readings), "node": node_id}]
    if offer and offer.monthly:  # the collector's lines speak of it as 「每月 {offer} 元」
        new_state["offer"] = offer.amount
    coach = feedback(readings, text, case, node, said)
    next_id = _next_node(style, node_id, readings)
    new_state["node"] = next_id
    line = _say(style, next_id, case, new_state)
    if scenario(style)["nodes"][next_id].get("end") or len(new_state["replies"]) + 1 >= MAX_TURNS:
        return _finish(new_state, case, coach=tuple(coach), collector=(line,))
    return Turn(state=new_state, coach=tuple(coach), collector=(line,))


def stop(state: Mapping[str, Any], case: RehearsalCase) -> Turn:
    """「不练了」: the scorecard of what was said so far (nothing to score: a short goodbye)."""
    if not state.get("replies"):
        return Turn(state={**state, "active": False}, coach=(texts()["stopped_early"],), ended=True)
    return _finish(dict(state), case)


def crisis(text: str) -> bool:
    """A self-harm cue in the person's own words ends the practice at once (the crisis help follows)."""
    return has_crisis_cue(to_simplified(text or ""))


def _finish(state: dict[str, Any], case: RehearsalCase, coach: tuple[str, ...] = (),
            collector: tuple[str, ...] = ()) -> Turn:
    state = {**state, "active": False}
    return Turn(state=state, coach=coach, collector=collector, scorecard=scorecard(state, case),
                script=improved_script(state, case), ended=True)


def _counts(replies: list[Mapping[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in replies:
        readings = set(item.get("readings") or [])
        if "offer_above_means" in readings:
            readings -= _MEANS_BOUND  # a number the person cannot pay is not a move to praise
        for reading in readings:
            counts[reading] = counts.get(reading, 0) + 1
    return counts


def changes(state: Mapping[str, Any]) -> list[str]:
    """The two things to change: the mistakes made most often, then the good moves never made (those this
    call gave a chance for first)."""
    replies = list(state.get("replies") or [])
    counts = _counts(replies)
    made = sorted((m for m in rubric.MISTAKES if counts.get(m)),
                  key=lambda m: (-counts[m], rubric.MISTAKES.index(m)))
    style = state.get("style")
    nodes = scenario(str(style))["nodes"] if style in STYLES else {}
    violated = any(nodes.get(r.get("node"), {}).get("violation") for r in replies)
    missing = ["identity_checked", "offer_concrete", "written_confirmation"]
    if style in ("platform", "agency"):
        missing.insert(1, "lump_sum_countered")
    if violated:
        missing.insert(0, "violation_named")
    if style == "platform":
        missing.append("official_account_only")
    return (made + [m for m in missing if not counts.get(m)])[:2]


def scorecard(state: Mapping[str, Any], case: RehearsalCase) -> str:
    """What went well and the two things to change."""
    words = texts()["scorecard"]
    replies = list(state.get("replies") or [])
    counts = _counts(replies)
    values = _values(case, state)
    lines = [words["heading"].format(turns=len(replies))]
    good = [g for g in rubric.GOOD if counts.get(g)]
    good.sort(key=lambda g: -counts[g])
    if good:
        lines.append(words["went_well"].format(items="、".join(texts()["labels"][g] for g in good[:4])))
    else:
        lines.append(words["went_well_none"])
    todo = changes(state)
    if todo:
        lines.append(words["change_heading"])
        lines += [words["change_item"].format(n=i, text=texts()["change"][key].format(**values))
                  for i, key in enumerate(todo, 1)]
    else:
        lines.append(words["change_none"])
    return "\n".join(lines)  # 「再来一次」 is offered with its buttons after the script (actions/rehearsal.py)


def best_lines(state: Mapping[str, Any]) -> list[str]:
    """The person's own replies worth keeping: good moves and no mistake, the richest first."""
    scored = []
    for i, item in enumerate(state.get("replies") or []):
        readings = set(item.get("readings") or [])
        good = rubric.good_items(readings)
        if good and not rubric.mistakes(readings) and 4 <= len(item.get("text") or "") <= 80:
            scored.append((-len(good), i, str(item["text"]).strip()))
    chosen = sorted(scored)[:_OWN_LINES]
    return [text for _, _, text in sorted(chosen, key=lambda s: s[1])]


def improved_script(state: Mapping[str, Any], case: RehearsalCase) -> str:
    """The drafted phone script with a section of the person's own best lines from the call."""
    words = texts()["scorecard"]
    own = best_lines(state)
    section = [words["own_lines_heading"]]
    section += [words["own_line"].format(text=t) for t in own] if own else [words["no_own_lines"]]
    # a script already improved by an earlier round keeps its base, not the old round's own lines
    base = case.phone_script.split(words["own_lines_heading"])[0].strip()
    return f"{base}\n\n" + "\n".join(section) if base else "\n".join(section)


def again(previous: Mapping[str, Any], text: str, case: RehearsalCase) -> Turn:
    """「再来一次」「换一种」「换个凶一点的」 after a call: a new round, in the style asked for or another one."""
    style = rehearsal_words.style_asked(text, previous.get("style"))
    return start(case, style, previous)


def recent_end(state: Any, user_messages: int) -> bool:
    """Whether a finished call ended recently enough for 「再来一次」 to mean another round."""
    return isinstance(state, dict) and not state.get("active") and state.get("ended_at") is not None \
        and user_messages - int(state["ended_at"]) <= AGAIN_WITHIN


@dataclass(frozen=True)
class Transcript:
    """A whole call run from a list of replies (for tests and the docs' examples)."""

    turns: list[Turn] = field(default_factory=list)

    @property
    def collector_lines(self) -> list[str]:
        return [line for t in self.turns for line in t.collector]


def run(case: RehearsalCase, replies: list[str], style: str | None = None) -> Transcript:
    """Play a call with the given replies until it ends or the replies run out."""
    turn = start(case, style)
    out = Transcript([turn])
    for text in replies:
        if turn.state is None or not is_active(turn.state):
            break
        turn = reply(turn.state, text, case)
        out.turns.append(turn)
    return out
