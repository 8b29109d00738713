"""Who a message's output is for: the borrower, or a hotline adviser on the staff console.

The one place this is decided. Staff wording (a case summary, text about the borrower addressed to an adviser,
the crisis protocol) goes only to messages that came in through the staff channel (``channels/staff.py``, which
checks the adviser's credentials before it sets ``audience: staff``). Metadata from any other channel, or from the
HTTP API, says nothing about the audience whatever it claims. Rasa's message log (serving/patches/
trusted_audience.py) and the action server (actions/) both ask this function.
"""

from __future__ import annotations

from typing import Any, Literal, Mapping

Audience = Literal["staff", "borrower"]

STAFF_CHANNEL = "staff"
STAFF: Audience = "staff"
BORROWER: Audience = "borrower"


def audience_of(input_channel: str | None, metadata: Mapping[str, Any] | None) -> Audience:
    """Staff only when the staff channel itself marked the message as staff; everyone else is a borrower."""
    if input_channel == STAFF_CHANNEL and isinstance(metadata, Mapping) and metadata.get("audience") == STAFF:
        return STAFF
    return BORROWER
