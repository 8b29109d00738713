"""The contact log's slot type: each stored event carries a change of the log, the slot's value is the whole log.

Rasa keeps a slot's value by replaying the conversation's ``SlotSet`` events through the slot's ``value``
setter (when it rebuilds a tracker from the store, for a form's temporary tracker, after an undo). This slot's
setter applies the value with ``case.contact_log.apply``: a list replaces the log (a new session carries the log
over as a list), ``{"op": "change", "put": [...], "drop": [...]}`` changes it, None clears it. So the action
server sends one small event per change of the log, and still receives the whole current log in the tracker's
``slots`` with every request; the staff console and the downloads read the whole log from the slot.

In the domain (domain/evidence.yml)::

    contact_log:
      type: components.slots.ContactLogSlot
      influence_conversation: false

Never featurized: it is an ``AnySlot`` to the policies. A value that is neither a log nor a change (nothing in
this project sends one) leaves the log as it was and is logged: raising here would make the stored conversation
impossible to rebuild.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.shared.core.slots import AnySlot

from coach.case import contact_log

logger = logging.getLogger(__name__)

TYPE_NAME = "components.slots.ContactLogSlot"


class ContactLogSlot(AnySlot):
    """``AnySlot`` whose value setter applies changes of the contact log (see the module docstring)."""

    # Rasa looks a slot type up by ``type_name`` among Slot's subclasses before importing a module path: this
    # class must not claim "any", or every ``type: any`` slot would become a contact log.
    type_name = TYPE_NAME

    @AnySlot.value.setter  # type: ignore[attr-defined,misc]
    def value(self, value: Any) -> None:
        """Applies ``value`` to the current log; never changes the current list in place (trackers share it)."""
        try:
            log = contact_log.apply(self._value, value)
        except ValueError as exc:
            logger.warning("slot %s kept its value: %s", self.name, exc)
            log = self._value
        AnySlot.value.fset(self, log)  # type: ignore[attr-defined]
