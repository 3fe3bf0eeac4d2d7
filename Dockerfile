# chatwire in a container: `docker build -t chatwire .` then
# `docker run --env-file .env -v chatwire-data:/app/data chatwire`
# /healthz and /metrics listen on 127.0.0.1:9090 inside the container (the HEALTHCHECK uses
# them). They have no authentication: to let Prometheus scrape them, add
# `--metrics-host 0.0.0.0` to the command and publish the port only on a private network.
FROM python:3.12-slim

RUN useradd --system --create-home --home-dir /app chatwire
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install --no-cache-dir . && mkdir -p /app/data && chown chatwire /app/data

USER chatwire
ENV CHATWIRE_HOME=/app DATABASE_URL=sqlite:///data/chatwire.db LOG_FORMAT=json
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:9090/healthz').status != 200)"
CMD ["chatwire", "run", "--metrics-port", "9090"]
