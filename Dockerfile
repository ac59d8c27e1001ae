FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first (the project installs no package of its own), so code changes reuse this layer.
COPY pyproject.toml constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt .

COPY . .
# collectstatic needs settings that load with DEBUG off; these build-only values are never used at run time.
RUN DEBUG=false SECRET_KEY=build-only ID_NUMBER_ENCRYPTION_KEY=build-only ID_NUMBER_HASH_KEY=build-only \
    python manage.py collectstatic --noinput \
    && useradd --uid 1000 --create-home app \
    && mkdir -p /data/private && chown app /data/private

USER app
EXPOSE 8000
CMD ["gunicorn", "signing_platform.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
