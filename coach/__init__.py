"""The Rasa-free core of the debt coach: the case, the reading of a message, plans, drafts, letters, documents and
the Chinese-text helpers. Nothing here imports Rasa, the Rasa SDK or Sanic (``make lint`` checks it); the
adapters around it are ``actions/`` (the action server), ``components/`` (NLU components and slots),
``channels/`` (chat channels and downloads) and ``serving/`` (starting the servers)."""
