# syntax=docker/dockerfile:1
#
# One image pattern for the gateway and every service of the uv workspace.
#
#   docker build -f docker/service.Dockerfile \
#     --build-arg SERVICE_DIR=services/work-orders --build-arg PACKAGE=work_orders \
#     -t smart-community/work-orders:dev .
#
# The build context is the repository root (see .dockerignore). Only the member named by
# SERVICE_DIR and the workspace libraries it depends on are installed (no dev tools, no
# sc-devinfra), as wheels into /app/.venv. The runtime image holds that venv only: no
# sources, no uv, no compiler; it runs as uid 10001 and writes nothing outside /tmp, so it
# runs with a read-only root filesystem.
#
#   docker run IMAGE            -> python -m PACKAGE          (HTTP on :8080)
#   docker run IMAGE migrate    -> python -m PACKAGE migrate  (Alembic, then exit)

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.8

FROM ${UV_IMAGE} AS uv

# --------------------------------------------------------------------------- build
FROM ${PYTHON_IMAGE} AS build
ARG SERVICE_DIR
ARG PACKAGE
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# uv needs every workspace member's pyproject.toml to check the lock, so the whole
# (dockerignored) workspace is the input; the uv cache mount keeps rebuilds fast.
COPY . .
RUN test -n "${SERVICE_DIR}" && test -n "${PACKAGE}" \
    && test -f "${SERVICE_DIR}/pyproject.toml" \
    && test -d "${SERVICE_DIR}/src/${PACKAGE}" \
    || { echo "SERVICE_DIR/PACKAGE must name a workspace member and its import package" >&2; exit 1; }
RUN --mount=type=cache,target=/root/.cache/uv \
    DIST="$(python -c 'import sys,tomllib; print(tomllib.load(open(sys.argv[1],"rb"))["project"]["name"])' "${SERVICE_DIR}/pyproject.toml")" \
    && uv sync --frozen --no-dev --no-editable --package "${DIST}" \
    && /app/.venv/bin/python -c "import ${PACKAGE}" \
    && if /app/.venv/bin/python -c "import sc_devinfra" 2>/dev/null; then \
         echo "sc-devinfra must never be in an image" >&2; exit 1; fi

# --------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE_DIR
ARG PACKAGE
LABEL org.opencontainers.image.title="smart-community ${PACKAGE}" \
      org.opencontainers.image.source="${SERVICE_DIR}"
# /var/lib/sc is the one directory the app may write besides /tmp: mount a volume there
# for data a service keeps on disk (e.g. work-orders' local attachment store). It belongs
# to group 0 and is group-writable: OpenShift runs the image as an arbitrary UID in
# group 0 (the chart's global.compatibility.openshift.adaptSecurityContext).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --groups 0 --home-dir /tmp --no-create-home \
       --shell /usr/sbin/nologin app \
    && install -d -o 10001 -g 0 -m 0770 /var/lib/sc
# Owned by root and not writable by the app: the code cannot be changed at run time.
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:${PATH} \
    APP_PACKAGE=${PACKAGE} \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    TMPDIR=/tmp \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
WORKDIR /tmp
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HTTP_PORT', '8080'), timeout=4)"]
# `python -m $APP_PACKAGE` plus whatever arguments the container is given (e.g. migrate).
ENTRYPOINT ["/bin/sh", "-c", "exec python -m \"$APP_PACKAGE\" \"$@\"", "--"]
CMD []
