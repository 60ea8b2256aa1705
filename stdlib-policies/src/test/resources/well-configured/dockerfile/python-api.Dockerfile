# A Python API: wheels built in one stage, installed with hashes in a slim runtime, run by gunicorn as an
# unprivileged user.
FROM python:3.12.4-slim-bookworm@sha256:2a3c4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY requirements.txt ./
RUN pip wheel --require-hashes --wheel-dir /wheels -r requirements.txt

FROM python:3.12.4-slim-bookworm@sha256:2a3c4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN groupadd --system --gid 10001 api \
 && useradd --system --uid 10001 --gid api --no-create-home --shell /usr/sbin/nologin api
WORKDIR /srv/api
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels /wheels/*.whl && rm -rf /wheels
COPY --chown=api:api app/ ./app/
LABEL org.opencontainers.image.source="https://git.example.com/data/api" \
      org.opencontainers.image.licenses="Apache-2.0"
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health').status == 200 else 1)"]
CMD ["gunicorn", "--bind=0.0.0.0:8000", "--workers=4", "app.main:app"]
