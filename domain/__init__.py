"""What every layer shares: the models, the access policy, the closed vocabularies and the rule table.

Plain Python and SQLAlchemy, no Flask: ``sync/``, ``media/``, jobs and scripts import it; ``server/`` is the
Flask shell around it.
"""
