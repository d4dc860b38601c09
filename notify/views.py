"""Notify's delivery receipts: a callback authenticated by the bearer token we gave it."""

import hmac
import json

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notify.services import CallbackInvalid, callback_record

MAX_BODY_BYTES = 20_000


def _authorised(request) -> bool:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(token.strip().encode("utf-8"), expected.encode("utf-8"))


@csrf_exempt
@require_POST
def callback_view(request):
    """Record one delivery receipt. 401 without the token, 400 for a body that is not a
    receipt, 404 for a notification we did not send (Notify tries again later)."""
    if not settings.NOTIFY_CALLBACK_TOKEN:
        raise Http404
    if not _authorised(request):
        response = JsonResponse({"error": "Missing or wrong bearer token."}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return JsonResponse({"error": "The body is too large."}, status=413)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return JsonResponse({"error": "The body is too large."}, status=413)
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return JsonResponse({"error": "The body is not JSON."}, status=400)
    try:
        delivery = callback_record(payload=payload)
    except CallbackInvalid as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if delivery is None:
        return JsonResponse({"error": "No notification with that id."}, status=404)
    return JsonResponse({"status": delivery.status})
