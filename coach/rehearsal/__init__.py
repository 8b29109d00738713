"""Practice calls with a simulated collector: the scenario trees, the rubric and the engine (pure, no Rasa)."""
