"""Building altered tokens for the tampering tests."""

from typing import Any

from g60.signing.tokens import signing_input, token_decode, token_encode


def token_parts(token: str) -> tuple[dict[str, Any], bytes]:
    """The token's header ({"alg", "kid", "payload"}) and signature."""
    decoded = token_decode(token)
    return {"alg": decoded.algorithm, "kid": decoded.kid, "payload": decoded.payload}, decoded.signature


def token_rebuild(header: dict[str, Any], signature: bytes) -> str:
    """A well-formed token with this header and signature (so only the content differs)."""
    message = signing_input(algorithm=header["alg"], kid=header["kid"], payload=header["payload"])
    return token_encode(signed_bytes=message, signature=signature)
