"""Bearer-token authentication with a scope per operation, and the API's errors.

``Token("families:read")`` on an operation: no token, a wrong or revoked one, or an
inactive account → 401; over the client's rate → 429 with ``Retry-After``; the scope
missing → 403. What the client's user may then see is ``accounts.access``'s decision,
exactly as for a person signed in with the same role assignments.
"""

from ninja.security import HttpBearer

from konvergen.api import messages, services
from konvergen.api.messages import Message


class ApiError(Exception):
    """An answer other than success: its status, bilingual message and extra fields."""

    def __init__(self, status: int, message: Message, *, headers: dict | None = None,
                 extra: dict | None = None, **params):
        super().__init__(message.en)
        self.status = status
        self.message = message
        self.params = params
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict:
        return {**self.message.body(**self.params), **self.extra}


def unauthorised() -> ApiError:
    return ApiError(401, messages.UNAUTHORISED, headers={"WWW-Authenticate": "Bearer"})


class Token(HttpBearer):
    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def __call__(self, request):
        client = super().__call__(request)
        if client is None:
            raise unauthorised()
        return client

    def authenticate(self, request, token: str):
        client = services.client_for_token(token.strip())
        if client is None:
            raise unauthorised()
        # Known from here on: the call is audited under the client even when refused.
        request.api_client = client
        wait = services.rate_hit(client)
        if wait is not None:
            raise ApiError(429, messages.RATE_LIMITED, headers={"Retry-After": str(wait)},
                           limit=client.rate_limit, retry=wait)
        if self.scope not in client.scopes:
            raise ApiError(403, messages.SCOPE_MISSING, scope=self.scope)
        return client
