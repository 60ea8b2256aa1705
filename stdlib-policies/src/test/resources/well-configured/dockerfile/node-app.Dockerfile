# syntax=docker/dockerfile:1.7
# A Node.js web service: dependencies installed from the lock file with a build secret for the private
# registry, production image with tini as PID 1 and a non-root user.
FROM node:20.15.1-bookworm-slim@sha256:1f2d4b6c8e0a2c4e6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c0e2a4c6e8a0c2e AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts

FROM node:20.15.1-bookworm-slim@sha256:1f2d4b6c8e0a2c4e6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c0e2a4c6e8a0c2e
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1 curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node src/ ./src/
COPY --chown=node:node package.json ./
LABEL org.opencontainers.image.source="https://git.example.com/web/storefront"
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://127.0.0.1:3000/healthz || exit 1
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "src/server.js"]
