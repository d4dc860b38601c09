# One image for web, worker and beat. Build: docker compose build
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=asbcr.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-liberation poppler-utils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/app.lock
COPY . .
RUN SECRET_KEY=build ALLOWED_HOSTS=build python manage.py collectstatic --noinput --verbosity 0
RUN useradd --create-home asbcr && mkdir -p /app/var && chown asbcr /app/var
USER asbcr
EXPOSE 8000
CMD ["gunicorn", "asbcr.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
