"""Check the action server's answers against Rasa's schema with a validator built once.

Rasa 3.6 checks every answer of the action server with ``jsonschema.validate(result, schema)``
(``RemoteAction._validate_action_result``). That function first validates the schema itself against
its meta-schema, on every call: about 16 ms on these machines, for every custom action, two or three
times per turn, while the whole HTTP round trip to the action server takes about 1 ms. This builds the
validator once and reports the same error (jsonschema's ``best_match``, Rasa's message appended).
``make bench`` measures both side by side (section 7 of reports/bench.md).

Works around: no upstream issue found (Rasa 3.6.21's ``RemoteAction._validate_action_result`` calls
``jsonschema.validate`` on every answer). Installed by ``serving.patches.install()`` (``python -m
serving.rasa_cli run …``). Setting ``DEBT_COACH_STOCK_ACTION_CHECK=1`` keeps Rasa's own check (the
benchmark's comparison server).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Dict

from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_MARK = "_debt_coach_cached_validator"
STOCK_ENV = "DEBT_COACH_STOCK_ACTION_CHECK"


@lru_cache(maxsize=1)
def _validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(result: Dict[str, Any]) -> bool:
    """Rasa's check of an action-server answer: True, or the best-matching ValidationError."""
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action "
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions")
    raise error


def install() -> None:
    if os.environ.get(STOCK_ENV) == "1" or getattr(RemoteAction._validate_action_result, _MARK, False):
        return

    def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        return validate_action_result(result)

    setattr(_validate_action_result, _MARK, True)
    _validate_action_result.__wrapped__ = RemoteAction._validate_action_result  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]

