import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copplatform.settings.production")

application = get_wsgi_application()

# Each worker imports this module after it is forked (no preload): its long-lived
# objects are frozen out of the garbage collector's full collections.
from copplatform import runtime  # noqa: E402

runtime.settle()
