"""Validation messages in the session's language.

Two kinds of message reach a user when a value is refused:

- Pydantic's own ("Input should be a multiple of 10"): translated by error *type*, with the
  numbers from the error's context, so no English sentence is parsed. The English templates
  are Pydantic's wording, so English output is unchanged; a type not listed here keeps
  Pydantic's English text (tests list the types the patient case can produce).
- The project's own checks raise :class:`TranslatableError`: a ``ValueError`` whose text is a
  msgid with named values. Its ``str()`` is the English sentence (for logs, the CLI, the
  tests); :meth:`TranslatableError.translated` renders it in any language.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from i18n._catalogues import Translator
from i18n._marker import N_


class TranslatableError(ValueError):
    """A refusal whose message is translated when shown; string values are msgids too."""

    def __init__(self, message: str, /, **values: object) -> None:
        self.message = message
        self.values = values
        super().__init__(message % values if values else message)

    def translated(self, _: Translator) -> str:
        values = {k: _.gettext(v) if isinstance(v, str) else v for k, v in self.values.items()}
        return _(self.message, **values)


#: Pydantic error type -> its English message as a template over the error's context.
PYDANTIC_MESSAGES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "greater_than_equal": N_("Input should be greater than or equal to %(ge)s"),
        "less_than_equal": N_("Input should be less than or equal to %(le)s"),
        "greater_than": N_("Input should be greater than %(gt)s"),
        "less_than": N_("Input should be less than %(lt)s"),
        "multiple_of": N_("Input should be a multiple of %(multiple_of)s"),
        "int_type": N_("Input should be a valid integer"),
        "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
        "int_from_float": N_(
            "Input should be a valid integer, got a number with a fractional part"
        ),
        "bool_type": N_("Input should be a valid boolean"),
        "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
        "enum": N_("Input should be %(expected)s"),
        "decimal_parsing": N_("Input should be a valid decimal"),
        "decimal_type": N_("Decimal input should be an integer, float, string or Decimal object"),
        "finite_number": N_("Input should be a finite number"),
        "dict_type": N_("Input should be a valid dictionary"),
        "model_type": N_("Input should be a valid dictionary or instance of %(class_name)s"),
        "missing": N_("Field required"),
        "string_type": N_("Input should be a valid string"),
    }
)


def pydantic_message(err: Mapping[str, Any], _: Translator) -> str:
    """One Pydantic error's message in ``_``'s language (without the "Value error, " prefix)."""
    context = dict(err.get("ctx") or {})
    error = context.get("error")
    if isinstance(error, TranslatableError):
        return error.translated(_)
    template = PYDANTIC_MESSAGES.get(str(err.get("type")))
    if template is None:
        return str(err.get("msg", "")).removeprefix("Value error, ")
    if "expected" in context and _.language != "en":
        # Pydantic joins the allowed codes with an English "or"; codes themselves stay.
        context["expected"] = str(context["expected"]).replace(" or ", ", ")
    return _(template, **{k: v for k, v in context.items() if f"%({k})" in template})
