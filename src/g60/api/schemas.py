from ninja import Schema


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    """A validation failure: the field, the rule it broke, in the user's language."""

    detail: str
    errors: dict[str, list[str]]
