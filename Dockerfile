# Kokemus in a container: a thin wrapper around bin/serve, the start script that every way of
# deploying uses (docs/deployment.md). Configuration comes from the environment.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (PDFs) needs Pango and the DejaVu fonts that static/css/pdf.css names. The
# translations compile with Babel, a Python dependency.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, so a code change does not reinstall them (pyproject installs no code).
COPY pyproject.toml ./
RUN pip install .
COPY . .
RUN DEBUG=true python manage.py compilemessages --verbosity 0 \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin kokemus \
    && mkdir -p /app/staticfiles /app/private && chown kokemus /app/staticfiles /app/private

USER kokemus
ENV HOST=0.0.0.0 PORT=8000 STATIC_ROOT=/app/staticfiles PRIVATE_MEDIA_ROOT=/app/private
EXPOSE 8000
# Asks /healthz with a Host that ALLOWED_HOSTS accepts (its first entry).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
    CMD python -c "import os, urllib.request as u; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].lstrip('.').replace('*', 'localhost'); u.urlopen(u.Request('http://127.0.0.1:%s/healthz' % os.environ['PORT'], headers={'Host': host}), timeout=5)"
CMD ["bin/serve"]
