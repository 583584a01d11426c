"""Guards that hold for every request, whatever view answers it."""

from django.core.exceptions import BadRequest
from django.http import UnreadablePostError
from django.utils.cache import patch_cache_control

NUL = "\x00"


class NulCharacterInRequest(BadRequest):
    """A NUL character in a request: no text column holds one (PostgreSQL refuses the whole
    query), and no person types one. A bad request, logged as a warning like the others; not
    a "suspicious operation", which Django logs as an error with its traceback."""


class RefuseNulCharactersMiddleware:
    """Answer 400 Bad Request to a request with a NUL character in its path, query string,
    form fields, uploaded file names, cookies or headers, before any view or middleware
    queries the database with it (``/raportit/?division=%00`` was a 500 on PostgreSQL).

    Form fields are read here, so this sits after the middleware that must come before the
    body is read (none of Kokemus's does): Django parses the body once, for everyone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            raise NulCharacterInRequest("A NUL character in the request.")  # Django: 400
        return self.get_response(request)


def _has_nul(request) -> bool:
    if NUL in request.path:
        return True
    texts = [*request.headers.values(), *_pairs(request.COOKIES.items()), *_lists(request.GET)]
    try:
        texts += _lists(request.POST)
        texts += [*request.FILES, *(upload.name or "" for upload in _uploads(request.FILES))]
    except UnreadablePostError:
        pass  # the client went away; CsrfViewMiddleware answers that (403)
    return any(NUL in text for text in texts)


def _uploads(files) -> list:
    return [upload for _name, uploads in files.lists() for upload in uploads]


def _lists(querydict) -> list[str]:
    return [text for key, values in querydict.lists() for text in (key, *values)]


def _pairs(items) -> list[str]:
    return [text for pair in items for text in pair]


class PrivateNoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every response to a logged-in user: expert
    pages, data exports, PDFs and CSV files hold personal data, which no browser cache on a
    shared computer and no proxy may keep.

    Static files never get here (whitenoise answers them before this middleware) and keep
    their long cache life; nor do answers to a request without a session, such as the load
    balancer's health check or a calendar app polling its feed, whose user is never read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _for_a_logged_in_user(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _for_a_logged_in_user(request) -> bool:
    session = getattr(request, "session", None)
    if session is None or (session.session_key is None and not session.accessed):
        return False  # no session cookie, and no login in this request: nobody is logged in
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
