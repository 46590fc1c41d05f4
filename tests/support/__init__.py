"""What the tests share, apart from fixtures (which live in the ``conftest.py`` files).

- ``factories``: factory_boy factories; rows with a rule behind them are created through
  the services, so a factory can never build what the rules refuse.
- ``worlds``: the shared portfolios the tests read (one row of each model, a varied
  portfolio for the dashboards, a small hand-checked one for the API and reports).
- ``clients``: users per role and logged-in test clients (session and token).
- ``admin``: admin URLs, the models by role, a browser's view of an admin form.
- ``api``: the API's routes and a good value for every list filter.
- ``spreadsheets``: CSV/XLSX bytes for the importer tests.
- ``constraints``: ``assert_violates``, which names the database constraint a write breaks.
"""
