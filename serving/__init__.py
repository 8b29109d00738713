"""Running the Rasa servers: patches of Rasa's core (``serving.patches``) and the command that installs them
before Rasa's own command line (``serving.rasa_cli``)."""
