"""Tools for the people who build, keep current and publish the site, one job a module.

``build`` (the atomic build runner and validation), ``scaffold`` (new updates and
events), ``codeowners``, ``freshness`` (the report), ``publish`` and ``livereload``.
``tasks.py`` only parses options and calls these.
"""
