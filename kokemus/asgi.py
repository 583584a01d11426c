import os

from django.core.asgi import get_asgi_application

from kokemus.serving import refuse_insecure_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokemus.settings")

refuse_insecure_secret_key()
application = get_asgi_application()
