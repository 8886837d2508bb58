"""Building altered tokens for the tampering tests."""

import json
from typing import Any

from g60.signing.tokens import PREFIX, b64url_decode, b64url_encode, canonical_json


def token_parts(token: str) -> tuple[dict[str, Any], bytes]:
    _, body, signature = token.split(".")
    return json.loads(b64url_decode(body)), b64url_decode(signature)


def token_rebuild(header: dict[str, Any], signature: bytes) -> str:
    """A token with this header and signature, the body spelled canonically (so only the content differs)."""
    return f"{PREFIX}.{b64url_encode(canonical_json(header))}.{b64url_encode(signature)}"
