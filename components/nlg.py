"""Domain responses in the user's own script.

Rasa renders the domain's responses itself (greeting, form questions, the offer to draft a plan, the
"action server down" notice), so the action server's OpenCC conversion never sees them. This generator is
Rasa's own template generator plus one step: when the conversation's ``script`` slot is ``hk`` or ``tw``
(set by ``action_extract_case_facts`` from the user's writing), the text and the button titles go out in
Traditional characters. Button payloads (``/intent``) are left alone. And the dialogue's rule against loops
(coach/dialogue_rules.py, the same rule the action server applies to its actions): a response that would make
the third identical reply in a row, such as a form question asked again and again, goes out as a way on instead.

Enabled in endpoints.yml::

    nlg:
      type: components.nlg.ScriptAwareNLG
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from coach import replies
from coach.dialogue_rules import bot_turns, would_loop
from coach.zh.normalizer import to_traditional


def localise_response(response: Dict[str, Any], script: str | None) -> Dict[str, Any]:
    """The response with its text and button titles in ``script``; a new dict, payloads untouched."""
    if script not in ("hk", "tw"):
        return response
    out = dict(response)
    if isinstance(out.get("text"), str):
        out["text"] = to_traditional(out["text"], script)
    if isinstance(out.get("buttons"), list):
        out["buttons"] = [
            {**b, "title": to_traditional(b["title"], script)} if isinstance(b, dict) and isinstance(
                b.get("title"), str) else b
            for b in out["buttons"]]
    return out


class ScriptAwareNLG(TemplatedNaturalLanguageGenerator):
    """Rasa's template NLG, answering Traditional-Chinese conversations in Traditional characters."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None,
                 **_: Any) -> None:
        # Rasa creates the generator before the model is loaded and then sets ``responses`` from the
        # model's domain (Agent.load_model), as for its own template generator.
        super().__init__(domain.responses if domain else {})

    async def generate(self, utter_action: str, tracker: DialogueStateTracker, output_channel: str,
                       **kwargs: Any) -> Dict[str, Any] | None:
        response = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if response is None:
            return None
        script = tracker.get_slot("script")
        response = localise_response(response, script)
        if isinstance(response.get("text"), str):
            earlier, this_turn = bot_turns(
                ("user", None) if isinstance(e, UserUttered) else ("bot", e.text)
                for e in tracker.events if isinstance(e, (UserUttered, BotUttered)))
            if would_loop([*this_turn, response["text"]], earlier):
                return localise_response(replies.loop_way_on(), script)
        return response
