# syntax=docker/dockerfile:1
# The mentorship app: one image for web (gunicorn), worker and beat (celery) and one-off commands.
#   docker build -t mentorship .
#   docker run --rm -e SECRET_KEY=... -e ALLOWED_HOSTS=localhost -p 8000:8000 mentorship

# --- build: a virtualenv with the project and its runtime dependencies (no dev extras) ----------
FROM python:3.12-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Dependencies first, against empty packages, so a code change does not reinstall numpy, scipy and
# ortools; then the project itself.
COPY pyproject.toml README.md ./
RUN mkdir mentorship pairing skills \
    && touch mentorship/__init__.py pairing/__init__.py skills/__init__.py \
    && pip install . \
    && rm -rf build ./*.egg-info mentorship pairing skills
COPY . .
RUN pip install --no-deps .

# --- runtime ---------------------------------------------------------------------------------------
FROM python:3.12-slim

ENV PATH=/opt/venv/bin:$PATH \
    # The source tree in /app, not the copy pip put in site-packages, is what runs: templates/,
    # static/ and var/ are found relative to it (settings.BASE_DIR).
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app

WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# Code stays owned by root, read-only to the app user; only var/ is writable.
COPY . .

# Hashed, compressed static files for whitenoise (STATIC_ROOT is var/staticfiles). The values here
# only let settings load; none of them reaches the running container.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && chown app:app /app/var

USER app
EXPOSE 8000

# Workers, threads, timeouts and keep-alive: mentorship/gunicorn_conf.py (README, "Serving").
CMD ["gunicorn", "mentorship.wsgi:application", "--config", "python:mentorship.gunicorn_conf", "--bind", "0.0.0.0:8000"]
