"""The access log: which pages show personal data, and one row for each time one is shown.

Each app declares its pages in its `access.py` (`ACCESS_LOG`) and registers them from its
`AppConfig.ready()` through `rules.register`; `AccessLogMiddleware` writes the row.
"""
