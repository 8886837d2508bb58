import re
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# A NUL byte (PostgreSQL refuses it in text) or an unpaired UTF-16 surrogate, which JSON's "\ud800" escape makes
# into a Python string that no database driver can encode: either failed the write with a 500.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    if (found := _UNSTORABLE.search(value)) is not None:
        # The messages are the English fallback; root.on_schema_error translates by the error type.
        if found.group() == "\x00":
            raise PydanticCustomError("null_characters", "Null characters are not allowed.")
        raise PydanticCustomError("surrogates", "Contains an unpaired UTF-16 surrogate code point.")
    return value


# Text read from a JSON body: any string that can be stored.
Text = Annotated[str, AfterValidator(_storable)]
# The same check, for text with a length limit: `Annotated[str, StringConstraints(max_length=N), Storable]`. The limit
# comes first, so pydantic checks it on the string itself, also inside `| None` ("string_too_long", which the API
# translates); after the check it would be a generic "too_long".
Storable = AfterValidator(_storable)


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    """A validation failure: the field, the rule it broke, in the user's language."""

    detail: str
    errors: dict[str, list[str]]
