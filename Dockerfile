# syntax=docker/dockerfile:1
# One image runs every worker and the CLI:
#   docker run IMAGE worker notify        docker run IMAGE list
# Build: docker build --build-arg VERSION=$(git describe --always) --build-arg REVISION=$(git rev-parse HEAD) -t todo .

# Stage 1: the wheels of todo and of all its dependencies. Every dependency ships a binary
# wheel for this platform, so neither stage needs a compiler.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY config ./config
COPY core ./core
COPY todo_cli ./todo_cli
COPY services ./services
COPY agent ./agent
RUN python -m pip wheel --no-cache-dir --wheel-dir /wheels .

# Stage 2: the runtime, installed from those wheels only (no index, nothing built here).
FROM python:3.11-slim-bookworm
ARG VERSION=0.1.0
ARG REVISION=unknown
# The port of the worker's /metrics, /healthz and /readyz server (worker.metrics_port).
ARG METRICS_PORT=9464
LABEL org.opencontainers.image.title="todo" \
      org.opencontainers.image.description="todo: the task manager's CLI, relay and event workers (recurrence, audit, notify)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/python:3.11-slim-bookworm"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TODO_HOME=/var/lib/todo \
    TODO_WORKER__METRICS_PORT=${METRICS_PORT}
# The wheels are bind-mounted from the build stage, so they never become a layer of this image.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m pip install --no-cache-dir --no-index --find-links=/wheels /wheels/todo-*.whl \
    && groupadd --system --gid 10001 todo \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/todo --create-home \
       --shell /usr/sbin/nologin todo
USER 10001:10001
WORKDIR /var/lib/todo
EXPOSE ${METRICS_PORT}
# slim has no curl: ask Python. urlopen raises on a 503, so an unhealthy worker fails the check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('TODO_WORKER__METRICS_PORT', '9464'), timeout=3)"]
ENTRYPOINT ["todo"]
CMD ["--help"]
