"""The ground floor every stage stands on: config, vocabulary, storage, registry, locks and holders,
process lifetime, paper formats, addresses, formatting, templates and signed tokens.

It imports nothing else of the repository: ``crawler``, ``extractors`` and ``alerts`` import only
``sendwatch.core`` (and never each other), and the application on top (``sendwatch.cli``,
``commands``, ``cycle``, ``scheduler``, ``web``, ``demo``) imports them. The import contracts in
``pyproject.toml`` check this in CI.
"""
