"""The list format: reading a list, its style, rendering new entries, inserting them.

Modules, bottom up (``lint-imports`` holds the order; nothing imports a module above it):
``grammar`` (Markdown tokens, table cells, bullet/heading/date grammar), ``entry`` (what an
entry says, read once and kept on the ``Entry``), ``parse`` (a list into a ``Catalog`` of
sections and entries), ``style`` (how the list writes an entry, learnt from its entries),
``templating`` (the sandboxed jinja environment), ``render`` (new entries in the style, the
round-trip check) and ``insertion`` (splicing new entries into the list's bytes).
"""
