"""Pure Chinese-text helpers shared by the NLU components and the action server (no Rasa imports).

- ``zh.normalizer``: the one Traditional ↔ Simplified conversion (OpenCC), full-width → half-width, NLU text.
- ``zh.numbers``: money amounts and durations in Chinese (cn2an) with the role each plays.
- ``zh.crisis_cues``: explicit self-harm cues for the crisis safety net.
"""
