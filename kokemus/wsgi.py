import os

from django.core.wsgi import get_wsgi_application

from kokemus.serving import refuse_insecure_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokemus.settings")

refuse_insecure_secret_key()
application = get_wsgi_application()
