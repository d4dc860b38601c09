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


class ErrorTitleMiddleware:
    """Begin the page title with "Error: " on any page that shows a GOV.UK error summary.

    The GOV.UK pattern: a screen reader announces the title first, so a person hears at
    once that the form came back with a problem. Done here, once, rather than in each of
    the many form templates (which name their forms differently); a title that already
    begins "Error:" is left alone.
    """

    SUMMARY = b'class="govuk-error-summary"'
    TITLE = b"<title>"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(response, "streaming", False)
            or not response.get("Content-Type", "").startswith("text/html")
            or self.SUMMARY not in response.content
        ):
            return response
        content = response.content
        at = content.find(self.TITLE)
        if at == -1:
            return response
        start = at + len(self.TITLE)
        if content[start : start + 20].lstrip().startswith(b"Error:"):
            return response
        response.content = content[:start] + b"Error: " + content[start:]
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
