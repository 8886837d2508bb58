"""`GET /api/v1/keys`: the published public keys. Saved to a file, the answer is what offline verification
(`g60 verify-licence FILE --keys KEYS.json`) reads."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from g60.signing.selectors import signing_key_list

router = Router(tags=["signing"])


class SigningKeyOut(Schema):
    kid: str
    city: str
    algorithm: str
    public_key: str  # raw key bytes, base64url without padding
    created_on: dt.datetime
    retired_on: dt.datetime | None


@router.get(
    "",
    response=list[SigningKeyOut],
    auth=None,
    summary="The cities' public signing keys, active and retired",
    description="Every key that has signed e-licences. Retired keys stay listed: licences they signed still "
    "verify. Save this answer to verify licences offline.",
)
def keys(request: HttpRequest) -> list[SigningKeyOut]:
    return [
        SigningKeyOut(
            kid=key.kid,
            city=key.city_id,
            algorithm=key.algorithm,
            public_key=key.public_key,
            created_on=key.created_on,
            retired_on=key.retired_on,
        )
        for key in signing_key_list()
    ]
