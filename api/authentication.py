"""How an agency's system proves who it is: ``Authorization: Bearer <secret>``.

No session, no cookie, no CSRF: a credential on every call, checked here and nowhere else.
"""

from rest_framework import authentication, exceptions

from api.services import api_client_authenticate


class ApiClientAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not secret.strip():
            raise exceptions.AuthenticationFailed(
                "Send the credential as 'Authorization: Bearer <secret>'."
            )
        client, ok = api_client_authenticate(secret.strip())
        # Remember who tried, even if refused, so the call log names a revoked client.
        request._request.api_client_attempt = client
        if not ok:
            if client is not None:
                raise exceptions.AuthenticationFailed("This credential has been revoked.")
            raise exceptions.AuthenticationFailed("This credential is not recognised.")
        return client, client

    def authenticate_header(self, request):
        return self.keyword
