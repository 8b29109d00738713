"""Only the staff console may ask for staff output.

The actions give hotline-staff wording (case summary, text addressed to an adviser about the borrower) when
``coach.audience.audience_of`` says so: only for the staff channel (``channels/staff.py``), which sets ``audience:
staff`` after checking the adviser. Every other channel — the project's and any of Rasa's built-in ones added to
credentials.yml, or the HTTP API — gets ``audience: borrower`` whatever the client sent. Applied where Rasa logs
every incoming message (``MessageProcessor.log_message``), so no channel can forget it.
"""

from __future__ import annotations

from typing import Any

from rasa.core.processor import MessageProcessor

from coach.audience import audience_of

_MARK = "_debt_coach_trusted_audience"


def trusted(message: Any) -> Any:
    """The message with the audience coach.audience decides, where its metadata claimed another."""
    metadata = getattr(message, "metadata", None)
    if isinstance(metadata, dict) and metadata.get("audience") is not None:
        decided = audience_of(getattr(message, "input_channel", None), metadata)
        if metadata["audience"] != decided:
            message.metadata = {**metadata, "audience": decided}
    return message


def install() -> None:
    if getattr(MessageProcessor.log_message, _MARK, False):
        return
    original = MessageProcessor.log_message

    async def log_message(self: MessageProcessor, message: Any, should_save_tracker: bool = True) -> Any:
        return await original(self, trusted(message), should_save_tracker)

    setattr(log_message, _MARK, True)
    log_message.__wrapped__ = original  # type: ignore[attr-defined]
    MessageProcessor.log_message = log_message  # type: ignore[method-assign]
