"""The case: one borrower's debt as normalised facts, and the words for it. Pure Python, no Rasa imports.

- ``case.facts``: the case model (CaseFacts from slots, lender kind, hardship reason); its names are
  re-exported here.
- ``case.vocabulary`` (+ vocabulary.yml): threat, lender and plan kinds with their Chinese labels, hardship
  reasons, the fact slots and the form's slots.
- ``case.lenders``: the lender registry, data/nlu/lenders.yml, as the case model needs it.
"""

from coach.case.facts import (
    HARDSHIP_REASONS,
    LENDER_TYPES,
    REGIONS,
    THREAT_TYPES,
    CaseFacts,
    DebtFact,
    classify_hardship,
    lender_type,
    region_of_script,
)

__all__ = [
    "HARDSHIP_REASONS", "LENDER_TYPES", "REGIONS", "THREAT_TYPES", "CaseFacts", "DebtFact", "classify_hardship",
    "lender_type", "region_of_script",
]
