"""Middleware of our own."""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest


class RefuseNulMiddleware:
    """Answer 400 to a NUL byte anywhere in the path or the query string.

    No page takes a NUL, and PostgreSQL refuses one in any text parameter, so a request
    carrying one is refused before a view can pass it to a query. This is a second line:
    the URL converters and the forms refuse NUL on their own (``asbcr.forms``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path_info or b"\x00" in unquote_to_bytes(query.replace("+", " ")):
            raise BadRequest("A NUL byte in the address.")
        return self.get_response(request)
