# The code location's image: the product's wheel (no demo package) with the dbt project inside it
# and its manifest prepared here, at build time; pinned dependencies; a non-root user. One image,
# three roles chosen by the command (docs/deployment.md, "The image"):
#   code server (default)  dagster code-server start -h 0.0.0.0 -p 4000 -m ticket_platform.definitions
#   webserver              dagster-webserver -h 0.0.0.0 -p 3000 --grpc-host <code server> --grpc-port 4000
#   daemon                 dagster-daemon run --grpc-host <code server> --grpc-port 4000
# (or `-m ticket_platform.definitions` instead of the --grpc-* options to load the code
# in-process). The ECS run launcher starts each run from this image too (`dagster api execute_run`).
# Build with `make image`; tests/deploy/test_wheel_install.py repeats these steps without Docker.

# Python 3.11 as in the venv the tests and deploy/constraints.txt come from. Pinned by exact tag;
# add the digest of the image you pulled (`python:3.11.7-slim-bookworm@sha256:...`) to freeze it.
FROM python:3.11.7-slim-bookworm AS wheel
WORKDIR /src
RUN pip install --no-cache-dir --disable-pip-version-check setuptools==84.2.1
COPY pyproject.toml README.md ./
COPY ticket_platform ticket_platform
COPY lambdas lambdas
COPY dbt_project dbt_project
# The product only: the demo is another distribution (ticket_platform_demo/pyproject.toml).
RUN pip wheel --no-cache-dir --disable-pip-version-check --no-deps --no-build-isolation \
        --wheel-dir /dist .

FROM python:3.11.7-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY deploy/constraints.txt /tmp/constraints.txt
COPY --from=wheel /dist /tmp/dist
# Every dependency at the version the tests ran with; the product is not editable.
RUN pip install --no-cache-dir --constraint /tmp/constraints.txt /tmp/dist/ticket_platform-*.whl \
    && pip check \
    && rm -rf /tmp/dist /tmp/constraints.txt

# Every process runs as `dagster` (uid 10001), which writes only to its folders: DAGSTER_HOME (the
# instance's dagster.yaml stays root's), dbt's artifacts (DBT_TARGET_PATH: the manifest below and
# a folder per dbt invocation) and local scratch (TICKET_DATA_DIR). site-packages is root's.
RUN useradd --create-home --uid 10001 --user-group --shell /usr/sbin/nologin dagster \
    && mkdir -p /opt/dagster/dagster_home /opt/dagster/dbt-target /opt/dagster/data \
    && chown dagster:dagster /opt/dagster/dagster_home /opt/dagster/dbt-target /opt/dagster/data
COPY deploy/dagster.yaml /opt/dagster/dagster_home/dagster.yaml
ENV DAGSTER_HOME=/opt/dagster/dagster_home \
    DBT_TARGET_PATH=/opt/dagster/dbt-target \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    TICKET_DATA_DIR=/opt/dagster/data
USER 10001:10001
WORKDIR /opt/dagster

# The dbt manifest, parsed now for the prod target (Redshift; parsing connects to nothing), into
# DBT_TARGET_PATH. The code loads it instead of parsing at start-up.
RUN TICKET_PLATFORM_ENV=local TICKET_DBT_TARGET=prod python -m ticket_platform.transform.project

ENV TICKET_PLATFORM_ENV=prod
EXPOSE 3000 4000
CMD ["dagster", "code-server", "start", "-h", "0.0.0.0", "-p", "4000", "-m", "ticket_platform.definitions"]
