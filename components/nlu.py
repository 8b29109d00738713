"""Rasa 3.6 graph components for Chinese borrowers' messages.

Thin wrappers around the pure Chinese-text modules in ``coach/zh/``:
- ``ChineseNormalizer``: Traditional → Simplified, full-width → half-width, whitespace (``zh.normalizer``).
- ``CleanJiebaTokenizer``: Rasa's JiebaTokenizer minus whitespace tokens.
- ``LenderExtractor``: dictionary matching of lender names/nicknames → canonical name, trained from the
  lookup table and synonyms in ``data/nlu/lenders.yml``.
- ``ChineseNumberExtractor``: money amounts and durations with roles (``zh.numbers``).
- ``PlanRequestNet``: facts with a plan asked for by name are that request (``zh.plan_words``).
- ``ShortReplyNet``: whole-message short replies (「恩恩」「米有」) from a list (``zh.short_replies``).
- ``CrisisSafetyNet``: explicit self-harm cues override the intent with ``express_crisis`` (``zh.crisis_cues``).
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from coach.case.lenders import NOT_IN_A_NAME, adds_a_lender, is_bare_name
from coach.extraction import with_named_lenders
from coach.zh import numbers as cn_numbers
from coach.zh.bare_answers import is_bare_number, is_correction_with_value
from coach.zh.crisis_cues import has_death_idiom, only_something_else_dies, reports_others_wishing_death
from coach.zh.evidence_cues import command as evidence_command
from coach.zh.normalizer import normalize
from coach.zh.plan_words import asks_for_a_plan, requested_plan_intent
from coach.zh.safety_cues import death_explained, despair_about_debt, grateful, only_debt_facts, self_harm_cue
from coach.zh.short_replies import short_reply_intent
from coach.zh.stop_cues import answers_unknown, asks_to_go_on, is_stop_request, says_goodbye

TEXT_ORIGINAL = "text_original"
FALLBACK = "nlu_fallback"


class _Stateless(GraphComponent):
    """Components with no configuration and nothing to train or persist."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _Stateless:
        return cls()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class ChineseNormalizer(_Stateless):
    """Normalises the text before tokenisation; keeps the user's text as ``text_original``."""


    def _normalise(self, message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str):
            return
        if message.get(TEXT_ORIGINAL) is None:
            message.set(TEXT_ORIGINAL, text, add_to_output=True)
        message.set(TEXT, normalize(text))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._normalise(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalise(message)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class CleanJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer that drops whitespace tokens (jieba emits them in mixed Chinese/Latin text)."""

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        kept = [t for t in tokens if t.text.strip()]
        return kept or tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LenderExtractor(GraphComponent, EntityExtractorMixin):
    """Finds lenders by name or nickname (longest match) and emits the canonical name as the value.

    Trained from the NLU data's ``lender`` lookup table and entity synonyms, so the registry lives in one
    Rasa-native file. Unknown banks / consumer-finance companies ("宁波银行") are caught by a pattern.
    """

    FILE = "lenders.json"
    _GENERIC = re.compile(r"([\u4e00-\u9fff]{2,4}(?:农商银行|农商行|银行|消费金融))")
    # Everything up to a word that cannot be part of a name (Cantonese too: 同 with, 俾/畀 give, 搵 find, 喺 at, 嘅 of).
    _LEADING_NOISE = re.compile(
        r"^.*[我你他她们还欠了在去跟和向给的是找被让把这那哪家个张要冻结说到有没卡想同俾畀搵揾喺嘅问对与]")
    _NOT_A_NAME = {"", "网上", "各大", "所有", "商业", "其他", "别的", "一些", "几家", "多家", "两家", "三家", "国有"}
    # Aliases that are also ordinary words in some contexts: (alias, pattern that vetoes the match).
    _VETO = {"有钱花": re.compile(r"没有钱花|有钱花了"), "美团": re.compile(r"美团外卖|美团骑手"),
             "滴滴": re.compile(r"滴滴(打车|司机|快车|出行|车主)|[跑开]滴滴")}

    def __init__(self, aliases: Dict[str, str], model_storage: ModelStorage, resource: Resource) -> None:
        self._aliases = aliases
        self._model_storage = model_storage
        self._resource = resource
        names = sorted(aliases, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(n) for n in names)) if names else None

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LenderExtractor:
        return cls({}, model_storage, resource)

    @staticmethod
    def aliases_from(training_data: TrainingData) -> Dict[str, str]:
        """Every lender name and nickname (normalised, lower case) → its canonical name."""
        aliases: Dict[str, str] = {}
        for table in training_data.lookup_tables:
            if table.get("name") == "lender":
                for name in table.get("elements", []):
                    aliases[normalize(name).lower()] = normalize(name)
        canonical = set(aliases.values())
        for alias, target in training_data.entity_synonyms.items():
            if target in canonical:
                aliases[normalize(alias).lower()] = target
        return aliases

    def train(self, training_data: TrainingData) -> Resource:
        aliases = self.aliases_from(training_data)
        self._aliases = aliases
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.FILE).write_text(json.dumps(aliases, ensure_ascii=False), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LenderExtractor:
        try:
            with model_storage.read_from(resource) as directory:
                aliases = json.loads((directory / cls.FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            aliases = {}
        return cls(aliases, model_storage, resource)

    def find(self, text: str) -> List[Dict[str, Any]]:
        """Lender entities in (normalised) text."""
        found: List[Dict[str, Any]] = []
        lowered = text.lower()
        if self._pattern is not None:
            for m in self._pattern.finditer(lowered):
                veto = self._VETO.get(m.group(0))
                if veto and veto.search(lowered[max(0, m.start() - 2):m.end() + 2]):
                    continue
                found.append(self._entity(m.start(), m.end(), text[m.start():m.end()], self._aliases[m.group(0)]))
        for m in self._GENERIC.finditer(text):
            if any(e["start"] < m.end() and m.start() < e["end"] for e in found):
                continue
            name = self._LEADING_NOISE.sub("", m.group(1))
            stem = re.sub(r"(农商银行|农商行|银行|消费金融)$", "", name)
            if stem in self._NOT_A_NAME or len(stem) < 2 or NOT_IN_A_NAME.search(stem):
                continue
            start = m.end() - len(name)
            found.append(self._entity(start, m.end(), name, name, registry=False))
        return sorted(found, key=lambda e: e["start"])

    @staticmethod
    def _entity(start: int, end: int, text: str, value: str, registry: bool = True) -> Dict[str, Any]:
        """``registry``: the name is in data/nlu/lenders.yml; a name found only by the pattern is not, and the
        borrower confirms it before it reaches a draft."""
        return {"entity": "lender", "start": start, "end": end, "value": value, "confidence": 1.0,
                "text": text, "registry": registry}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = self.add_extractor_name(self.find(text))
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class ChineseNumberExtractor(_Stateless, EntityExtractorMixin):
    """Emits ``amount`` (yuan, int) and ``duration`` (days, int) entities, each with a role when clear."""


    @staticmethod
    def _entity(kind: str, span: cn_numbers.Span) -> Dict[str, Any]:
        entity: Dict[str, Any] = {"entity": kind, "start": span.start, "end": span.end, "value": span.value,
                                   "confidence": 1.0, "text": span.text}
        if span.role:
            entity["role"] = span.role
        return entity

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: str | None = message.get(TEXT)
            if not text:
                continue
            amounts, durations = cn_numbers.extract(text)
            entities = [self._entity("amount", s) for s in amounts] + [self._entity("duration", s) for s in durations]
            entities = self.add_extractor_name(entities)
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PlanRequestNet(_Stateless):
    """Facts that come with a plan asked for by name (「想分期，欠建行三万，逾期一个月」) are that request, not
    inform: the labelling rule (facts with no request → inform) made deterministic, because a classifier weighs
    the many fact words against the two that ask (coach/zh/plan_words.py). Only inform is ever changed; a question
    about a plan or a plan that already exists (「已经分期了」) stays as it is.
    """

    INFORM = "inform"
    PLANS = ("request_extension", "request_installment")
    # 「欠招行3万 逾期两个月了 能帮我做个方案吗」: an explicit request starts the form (ask_script's rule) instead
    # of an offer to confirm; only from intents that describe the situation or ask in general.
    ASK_SCRIPT = "ask_script"
    GENERAL = frozenset({"inform", "cannot_pay", "ask_debt_service", "out_of_scope", "express_distress",
                         "ask_consequences", "greet", "thank", "affirm", "nlu_fallback"})

    # Intents an explicit request never overrides, and the confidence under which any other guess gives way.
    NEVER = frozenset({"express_crisis", "request_installment", "request_extension", "request_fee_waiver",
                       "ask_script", "goodbye", "deny"})
    UNSURE = 0.5

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            confidence = float((message.get(INTENT) or {}).get("confidence") or 0.0)
            text = message.get(TEXT) or ""
            found = requested_plan_intent(text) if intent in (self.INFORM, *self.PLANS) else None
            if found and intent == self.INFORM:
                set_intent(message, found, "plan_request_net", True)
            elif intent in self.PLANS and not found and not asks_for_a_plan(text) and any(
                    e.get("entity") == "amount" and e.get("role") == "affordable"
                    for e in message.get(ENTITIES) or []):
                # 「月还款能承受四百块」 read as a request for an extension: what they can pay a month, no plan named
                # (an extension asked for this way sent the form after a time nobody had asked for)
                set_intent(message, self.INFORM, "plan_request_net", "capacity_not_a_plan")
            elif asks_for_a_plan(text) and (intent in self.GENERAL or (
                    intent not in self.NEVER and confidence < self.UNSURE)):
                # 「可唔可以幫我整個還款方案」 read as verify_collector at 0.18: the request said in so many words wins
                # over an unsure guess; a sure one (「催收说要帮我做个方案，是真的吗」) stays
                set_intent(message, self.ASK_SCRIPT, "plan_request_net", "asks_for_a_plan")
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ShortReplyNet(_Stateless):
    """Runs after DIET and the fallback: a message that is only a closed-class short reply (「恩恩」「dui」「米有」
    「👋」, coach/zh/short_replies.yml) gets that reply's intent. DIET has too little to go on in two characters; the
    list is exact. Longer messages, and everything the list lacks, keep the classifier's intent.
    """

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            found = short_reply_intent(message.get(TEXT) or "")
            if found and found != intent:
                set_intent(message, found, "short_reply_net", True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisSafetyNet(_Stateless):
    """Runs after DIET: a message with an explicit self-harm cue is routed to ``express_crisis``; a message DIET
    reads as crisis that only uses death as an intensifier (「累死了」「压力大得要死」) and has no cue is distress.

    The classifier's own ranking is kept (the crisis intent is moved to the top), and the message is marked
    ``crisis_safety_net: true`` so evaluations can count how often the net, not DIET, caught it.
    """

    CRISIS = "express_crisis"
    DISTRESS = "express_distress"
    HARASSMENT = "report_harassment"

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            text = message.get(TEXT) or ""
            cue = self_harm_cue(text)  # an act under way counts (「已经割了，血止不住」); someone else's death does not
            if intent != self.CRISIS and cue:
                set_intent(message, self.CRISIS, "crisis_safety_net", True)
            elif intent == FALLBACK and best_guess(message, FALLBACK) == self.CRISIS and not self._demoted(text):
                # unsure, but its best guess is crisis (「想自我了断」 under the threshold): a person who may be in
                # danger gets the crisis help, not a request to rephrase
                set_intent(message, self.CRISIS, "crisis_safety_net", "fallback_best_guess")
            elif intent == FALLBACK and best_guess(message, FALLBACK) == self.CRISIS and despair_about_debt(text):
                # unsure, its best guess crisis, and despair at what the debt did: distress, not a request to rephrase
                set_intent(message, self.DISTRESS, "crisis_safety_net", "fallback_debt_despair")
            elif intent == self.CRISIS and not cue and len(text) <= 3:
                # 「不想」 declining an offer: too short to say more than the classifier's next guess
                set_intent(message, best_guess(message, self.CRISIS) or self.DISTRESS, "crisis_safety_net",
                           "demoted_short")
            elif intent == self.CRISIS and has_death_idiom(text):
                # 「累死了」「烦死了」 with no self-harm cue: distress, whose answer still names the crisis line
                set_intent(message, self.DISTRESS, "crisis_safety_net", "demoted_idiom")
            elif intent == self.CRISIS and reports_others_wishing_death(text):
                # 「催收叫我去死」: a collector's words to report, not the borrower's own wish
                set_intent(message, self.HARASSMENT, "crisis_safety_net", "demoted_quote")
            elif intent == self.CRISIS and grateful(text):
                # 「要不是你帮我把账理清楚，我早就崩了」: thanks for help, not a crisis
                set_intent(message, "thank", "crisis_safety_net", "demoted_thanks")
            elif intent == self.CRISIS and not cue and death_explained(text):
                # 「贵到死」「我爸死了三年了」「游戏里跳崖了」「还没到想死的地步」: death words for something else
                set_intent(message, best_guess(message, self.CRISIS) or self.DISTRESS, "crisis_safety_net",
                           "demoted_explained")
            elif intent == self.CRISIS and not cue and despair_about_debt(text):
                # 「我是不是这辈子就完了，征信都黑了」: despair at what the debt did, with no self-harm cue: distress,
                # whose answer still names the crisis line
                set_intent(message, self.DISTRESS, "crisis_safety_net", "demoted_debt_despair")
            elif intent == self.CRISIS and not cue and only_debt_facts(text, _fact_spans(message)):
                # 「微信微粒贷跟米花花各65000块」: lenders and amounts and nothing else (a model trained elsewhere read
                # it as crisis): the facts, not the crisis lines
                set_intent(message, "inform", "crisis_safety_net", "demoted_facts")
            elif intent == self.CRISIS and only_something_else_dies(text):
                # 「游戏里我的角色又死了」: a game character, a plant or a pet, not the borrower: the next guess
                set_intent(message, best_guess(message, self.CRISIS) or "out_of_scope", "crisis_safety_net",
                           "demoted_other")
        return messages

    @staticmethod
    def _demoted(text: str) -> bool:
        """The readings below that take a crisis guess away: too short, an idiom, someone else's words or death."""
        return len(text) <= 3 or has_death_idiom(text) or reports_others_wishing_death(text) \
            or only_something_else_dies(text) or (death_explained(text) and not self_harm_cue(text)) \
            or despair_about_debt(text)


def _fact_spans(message: Message) -> list[tuple[int, int]]:
    """Where the message's lenders (names no list has included: 「米花花」), amounts and durations stand."""
    text = message.get(TEXT) or ""
    entities = with_named_lenders(text, message.get(ENTITIES) or [])
    return [(int(e["start"]), int(e["end"])) for e in entities
            if e.get("entity") in ("lender", "amount", "duration")
            and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]


def best_guess(message: Message, other_than: str) -> str | None:
    """The highest-ranked intent of the message's ranking that is not ``other_than``; None if there is none."""
    return next((r["name"] for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != other_than), None)


def set_intent(message: Message, name: str, marker: str, value: Any) -> None:
    """Put ``name`` on top (confidence 1.0), keep the classifier's ranking below it, and mark who decided."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
    top = {"name": name, "confidence": 1.0}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
    message.set(marker, value, add_to_output=True)


# A yes said in words (a fact added with no yes in it is no yes to the offer).
_SAYS_YES = re.compile(r"好|是|对|嗯|恩|可以|行|要|开始|ok|OK|yes|没问题|当然|麻烦|谢|来吧|弄吧|搞|得|係|系|啱|"
                       r"冇问题|唔该")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class StopRequestNet(_Stateless):
    """Runs last: a short message that only says the borrower wants to stop (「不弄了」「先不聊了」) is goodbye,
    and a message that is only a number (「8000」「三万左右」) is never goodbye, a greeting or thanks but inform.

    Mid-form, goodbye asks before the questions stop (data/core/rules.yml); without this a classifier guess
    of inform or deny would re-ask the question or end the form without asking. Crisis is never overridden, but
    for a message that only adds another lender (nothing in it but the name and words about the debt).
    """

    GOODBYE = "goodbye"
    INFORM = "inform"
    # Intents a bare number (「8000」「两个月」) can never mean: it is a fact given (coach/zh/bare_answers.py).
    NOT_A_NUMBER = frozenset({"goodbye", "greet", "thank", "bot_challenge", "out_of_scope", "express_distress"})
    # Intents a message that is only a lender's name can never mean.
    NOT_A_NAME = frozenset({"goodbye", "greet", "thank", "bot_challenge", "out_of_scope", "nlu_fallback", "deny"})
    # Intents a correction that names a value (「不对 是101000」) can never mean.
    NOT_A_CORRECTION = frozenset({"deny", "affirm", "goodbye", "greet", "thank", "out_of_scope"})
    # Intents a message that only adds a lender keeps: it is already a fact, or a request. Not a crisis: such a
    # message has nothing but the name, 「还有」, what it is called and debt words (「仲有有間叫Promise嘅」 was read as
    # crisis by a model trained here); any other word makes it no mere addition (coach.case.lenders.adds_a_lender).
    KEEP_FOR_AN_ADDED_LENDER = frozenset({"inform", "request_installment", "request_extension",
                                          "request_fee_waiver", "ask_script", "cannot_pay"})

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            text = message.get(TEXT) or ""
            if intent not in (self.GOODBYE, CrisisSafetyNet.CRISIS) and is_stop_request(text):
                set_intent(message, self.GOODBYE, "stop_request_net", True)
            elif intent == self.GOODBYE and asks_to_go_on(text):
                # 「我没事了 继续吧」 after the crisis lines, read as goodbye (没事了): they asked to go on
                set_intent(message, "affirm", "stop_request_net", "go_on")
            elif intent in (self.GOODBYE, "deny") and not says_goodbye(text) and answers_unknown(text):
                # 「唔知」「记不清了」 read as goodbye or as a no would stop the questions (「要先停在这里吗？」): an
                # answer that it is not known
                set_intent(message, self.INFORM, "stop_request_net", "unknown_answer")
            elif intent in self.NOT_A_NUMBER and is_bare_number(text):
                set_intent(message, self.INFORM, "stop_request_net", "bare_number")
            elif intent == "affirm" and not _SAYS_YES.search(text) and any(
                    e.get("entity") in ("lender", "amount") for e in message.get(ENTITIES) or []):
                # 「还有个“速借宝”」 read as a yes would accept the pending offer: a fact added, no yes in it
                set_intent(message, self.INFORM, "stop_request_net", "fact_not_yes")
            elif intent in self.NOT_A_NAME and is_bare_name(text, message.get(ENTITIES) or []):
                # 「裕融」「WeLend㗎」 answering 「您是欠哪家机构的？」: the lender named, not out of scope
                set_intent(message, self.INFORM, "stop_request_net", "bare_name")
            elif intent not in self.KEEP_FOR_AN_ADDED_LENDER and adds_a_lender(text, message.get(ENTITIES) or []):
                # 「还有马上消费金融」 read as a report of a collector's call: another lender for the case
                set_intent(message, self.INFORM, "stop_request_net", "lender_added")
            elif intent in self.NOT_A_CORRECTION and is_correction_with_value(text):
                # 「不对 是101000」 after 「要现在开始吗？」 corrects the debt; read as deny it declined the offer
                set_intent(message, self.INFORM, "stop_request_net", "correction")
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EvidenceCommandNet(_Stateless):
    """A request about the contact log or the letters (「我的记录」「删除第二条」「帮我写投诉信」,
    coach/zh/evidence_cues.py) is ask_complaint_channel, whatever the classifier says: the log and the letters are
    how a complaint is made,
    and that intent's rules reach action_answer_question both outside the form and during it (the form then
    continues). 「记录一下：…」 keeps a report intent (the report is answered as any report); with another
    intent it is routed the same way. Crisis and a plain wish to stop are never overridden.
    """

    COMPLAINT = "ask_complaint_channel"

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name") or ""
            if intent in (CrisisSafetyNet.CRISIS, StopRequestNet.GOODBYE, self.COMPLAINT):
                continue
            found = evidence_command(message.get(TEXT) or "")
            if found is None or (found.op == "add" and intent.startswith("report_")):
                continue
            set_intent(message, self.COMPLAINT, "evidence_command_net", found.op)
        return messages
