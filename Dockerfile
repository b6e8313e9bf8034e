# syntax=docker/dockerfile:1
# One image for every app process of docker-compose.yml: web (the default CMD), the MQTT
# bridge, the Celery worker and beat, and the one-shot migrate job.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_NO_CACHE=1 \
    # The project is also installed into site-packages, but that wheel has no templates,
    # static files or locale: the checkout in /app must win for daphne, celery and manage.py.
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app

# Installed the way the Makefile does (uv, with overrides.txt so face_recognition's `dlib`
# and `face-recognition-models` are never built from source). Dependencies first, in their
# own layer, so a code change does not reinstall them.
RUN pip install uv
COPY pyproject.toml overrides.txt ./
RUN uv pip install --system --override overrides.txt -r pyproject.toml
COPY . .
RUN uv pip install --system --override overrides.txt .

# Static files are built into the image (whitenoise serves them). Production settings refuse
# to load without these three; the throwaway values exist only for this one command.
RUN SECRET_KEY=collectstatic-only-not-a-secret \
    ALLOWED_HOSTS=localhost \
    MQTT_PLATFORM_PASSWORD=collectstatic-only-not-a-secret \
    python manage.py collectstatic --noinput

# Non-root. Primary group gid 1883 is the `mosquitto` group of the eclipse-mosquitto image:
# the password/ACL files written here (mode 0640) into the shared /mosquitto-auth volume
# must be readable by the broker, which runs as mosquitto:mosquitto (1883:1883). The
# directories' contents and ownership seed the named volumes mounted on them.
RUN groupadd --system --gid 1883 mosquitto \
    && useradd --system --uid 10001 --gid 1883 --create-home --home-dir /home/smartoffice \
        --shell /usr/sbin/nologin smartoffice \
    && install -d -o smartoffice -g 1883 -m 2750 /mosquitto-auth \
    && install -d -o smartoffice -g 1883 -m 0750 /var/lib/smartoffice /var/lib/smartoffice/media
USER smartoffice

EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]
