from django.conf import settings


def service(request):
    """The service name and the signed-in user's agency, for every template."""
    return {"service_name": settings.SERVICE_NAME}
