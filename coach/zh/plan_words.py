"""The words that name a plan (分期 / 延期 / 减免), for the NLU and the action server alike. Pure.

One home: the action server reads them to set the plan a borrower asks for (``coach/extraction.py``), and the
NLU's ``PlanRequestNet`` to tell 「欠建行三万，想分期」 (a request with its facts) from facts alone.
"""

from __future__ import annotations

import re

# 分期 inside a lender's name (来分期, 分期乐, DOU分期) names no plan.
PLAN_WORDS = (("installment", re.compile(r"(?<![来Uu])分期(?!乐)|个性化分期|停息挂账|分\s*\d+\s*期|"
                                         r"分[一二两三四五六七八九十]+期")),
              ("extension", re.compile(r"延期|宽限|缓一缓|晚点还|晚几天|推迟|往后推")))
# The words that name each plan, for telling a form answer from a change of plan (fee waivers are asked for by
# name only: 「减免」 in a reply does not change the plan kind).
NAMES_PLAN = {**dict(PLAN_WORDS), "fee_waiver": re.compile(r"减免|免息|免罚息|免违约金|只还本金")}

# A plan that already exists or was tried is a fact, not a request: 「已经分期了」「之前延期过」「分期中」.
_PLAN = r"(分期|延期|减免|停息挂账|宽限)"
_BEFORE = r"(已经|之前|以前|早就|办过|办了|做了|申请过|申请了|正在|在还)"
_PAST_PLAN = re.compile(rf"{_BEFORE}.{{0,4}}{_PLAN}|{_PLAN}(过|中|的钱|那笔)")
# Asking about a plan rather than for it: 「分期会影响征信吗」「是分期好还是延期好」.
_QUESTION = re.compile(r"吗|么|嘛|呢|[?？]|好还是|还是.{0,4}好|怎么|如何|有没有用|靠谱")

INTENT_BY_PLAN = {"installment": "request_installment", "extension": "request_extension",
                  "fee_waiver": "request_fee_waiver"}


# A plan asked for without naming its kind, often as a polite question: 「能帮我做个方案吗」「帮我出个还款计划」.
_ASKS_FOR_A_PLAN = re.compile(r"(帮我|给我|替我|帮他|帮她|给他|给她|帮借款人|请帮|帮忙|麻烦你?|想让你|你能不能|能不能|"
                              r"可不可以|可唔可以|可以)[^，。,]{0,4}"
                              r"(做|出|写|弄|定|拟|想|整|列|起草)[^，。,]{0,2}(个|一个|一份|份|下)?"
                              r"(协商|还款|分期|延期)?(方案|计划|话术|申请)"
                              r"|(想要|需要)(个|一个|一份)?(协商|还款)(方案|计划)")


# 「想跟他们谈分期 你帮我弄一下」: a plan named, and the bot asked to do it.
_NAMES_A_PLAN = re.compile(r"(?<![来Uu])分期(?!乐)|延期|协商|谈一下|谈谈|商量|方案|停息挂账|减免")
_DO_IT_FOR_ME = re.compile(r"(你|您)?(帮|幫)(我|忙|他|她)[^，。,]{0,2}(弄|搞|整|处理|写|做|起草|出|谈|安排)"
                           r"(一下|下|个|好|吧)?|(交给|拜托|麻烦)(你|您)了?")


def asks_for_a_plan(text: str) -> bool:
    """A plan asked for in so many words, whatever its kind: the form starts, no offer to confirm first."""
    text = text or ""
    if _PAST_PLAN.search(text):
        return False
    return bool(_ASKS_FOR_A_PLAN.search(text) or (_NAMES_A_PLAN.search(text) and _DO_IT_FOR_ME.search(text)
                                                  and not _QUESTION_ABOUT.search(text)))


# 「分期会影响征信吗 你帮我看看」 asks about a plan; it does not ask for one.
_QUESTION_ABOUT = re.compile(r"(会不会|会影响|有没有用|靠谱吗|好还是|哪个好|是什么|什么意思|怎么算)")


def requested_plan_intent(text: str) -> str | None:
    """The request intent when facts come with a plan asked for by name (「欠建行三万 想分期」), else None.

    Only a plain statement: a question about a plan, or a plan that already exists, is not a request. When the
    message names two plans, the first named wins (「分期或者延期都行」 → installment)."""
    text = text or ""
    if _PAST_PLAN.search(text) or _QUESTION.search(text):
        return None
    found = [(m.start(), kind) for kind, words in NAMES_PLAN.items() for m in [words.search(text)] if m]
    return INTENT_BY_PLAN[min(found)[1]] if found else None
