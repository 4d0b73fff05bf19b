"""Full-text search over every stored page.

- ``query``: the search language (words, "phrases", prefix*, AND/OR/NOT), parsed to a tree;
  a malformed query is one ``QueryError`` line. It needs nothing else, so configuration can
  check a saved search without loading the database layer.
- ``pages``: ``search_pages`` and ``reindex``, over the database's own index.
- ``sqlite_fts`` and ``postgres_fts``: that tree in each database's index language.
- ``snippets``: each hit's best sentence, with the words marked.

This file imports nothing: importing ``sendwatch.core.search.query`` must stay cheap, because
every ``sendwatch`` process reads its configuration first.
"""
