"""The load balancer's health check: is this process up and can it reach the database?"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@login_not_required  # the balancer has no login; the answer holds no data
@never_cache
@require_safe
def healthz(request):
    """200 "ok" when a trivial query answers, 503 otherwise.

    It reads neither the session nor the user, so a balancer polling every few seconds
    creates no session rows, and SECURE_REDIRECT_EXEMPT lets it speak plain HTTP.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
