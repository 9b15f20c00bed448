"""The ``ticket-platform`` command (``main``), the headless run behind ``ticket-platform run``
(``runner``, ``headless``) and what it prints (``summary``)."""
