"""What is pending in a case, for a returning borrower and for hotline staff. Pure: no Rasa.

From the slots and two dates (when the plan was drafted, today): the plan proposed on which date, the letters
written, the entries in the contact log, and the next step: before ``follow_up_days`` have passed, when to
follow up; after, the follow-up letter or the complaint (「如果贵行15天内没有答复…」).
"""

from __future__ import annotations

import datetime
from typing import Any, Mapping

from coach import letters, outcomes
from coach.case import contact_log, region_of_script
from coach.drafting import cn_date


def pending_lines(slots: Mapping[str, Any], drafted_on: datetime.date | None, today: datetime.date) -> list[str]:
    """The pending items, one line each; empty when nothing is pending."""
    say = letters.load()["lines"]
    out: list[str] = []
    drafts = slots.get("latest_drafts")
    if isinstance(drafts, dict) and drafts.get("summary") and drafted_on:
        out.append(say["pending_plan"].format(date=cn_date(drafted_on), summary=drafts["summary"]))
    # what each lender answered last (「上次招商银行说分 12 期…，您考虑得怎么样？」)
    out += outcomes.pending_lines(outcomes.statuses_of(slots.get("debts"), drafts, slots.get("lender")))
    sent = slots.get("latest_letters")
    if isinstance(sent, dict) and sent.get("letters"):
        titles = "、".join(dict.fromkeys(str(x.get("title")) for x in sent["letters"]))
        day = datetime.date.fromisoformat(sent["date"]) if sent.get("date") else today
        out.append(say["pending_letters"].format(date=cn_date(day), titles=titles))
    log = slots.get("contact_log")
    if contact_log.is_valid(log) and log:
        out.append(say["pending_log"].format(count=len(log)))
    has_plan = isinstance(drafts, dict) and bool(drafts.get("summary")) and drafted_on is not None
    letters_day = datetime.date.fromisoformat(sent["date"]) if isinstance(sent, dict) and sent.get("date") else None
    since = drafted_on if has_plan else letters_day
    if since is not None:
        days = letters.follow_up_days(region_of_script(slots.get("script")))
        elapsed = (today - since).days
        if elapsed >= days:
            out.append(say["pending_overdue"].format(elapsed=elapsed))
        else:
            out.append(say["pending_wait"].format(due=cn_date(since + datetime.timedelta(days=days)), days=days))
    return out
