"""How well the bot reads messages: the held-out NLU evaluation (``make eval``) and the scoring that the
benchmarks share with it.

- ``evaluation.nlu``: the held-out set, parsing with a trained model, the classifier's own top intent, entity
  scores (every value of a type right, no extras), the fallback-threshold table.
- ``evaluation.holdout``: ``python -m evaluation.holdout --model … [--check]`` writes reports/nlu_holdout.md,
  .json and the confusion matrix; ``--check`` fails below the product's bars.
"""
