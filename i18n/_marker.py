"""The no-op extraction marker, in a module of its own so every part of ``i18n`` can use it."""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` for extraction without translating it (it is translated at render)."""
    return message
