# Linli (邻里) — the bot, ready for `docker compose up` (see compose.yaml) or any container host.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY moderation ./moderation
COPY sandbox ./sandbox
RUN pip install . && useradd --create-home --uid 10001 linli && mkdir /data && chown linli /data

USER linli
# SQLite's default file lives here; mount a volume to keep it (PostgreSQL needs none).
VOLUME ["/data"]
ENV DATABASE_URL=sqlite:////data/linli.db
# 8443: WEBHOOK_LISTEN's default; 9108: a usual METRICS_LISTEN (set METRICS_LISTEN=0.0.0.0:9108).
EXPOSE 8443 9108
# SIGTERM: finish the update in hand, flush the outbox, close the database.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
