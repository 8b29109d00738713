"""The case model: one borrower's debt as normalised facts (pure Python, no Rasa imports).

``case.facts`` holds the model; import the public names from here.
"""

from case.facts import (
    HARDSHIP_REASONS,
    LENDER_TYPES,
    PLAN_KINDS,
    PLATFORMS,
    REGIONS,
    THREAT_TYPES,
    CaseFacts,
    classify_hardship,
    lender_type,
    region_of_script,
)

__all__ = [
    "HARDSHIP_REASONS", "LENDER_TYPES", "PLAN_KINDS", "PLATFORMS", "REGIONS", "THREAT_TYPES", "CaseFacts",
    "classify_hardship", "lender_type", "region_of_script",
]
