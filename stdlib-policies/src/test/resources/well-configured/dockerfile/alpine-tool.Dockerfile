# syntax=docker/dockerfile:1.7
# A small CLI tool on Alpine: a release archive fetched with a pinned checksum, packages without cache.
FROM alpine:3.20.2@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5
ARG TOOL_VERSION=2.4.1
ADD --checksum=sha256:9b2f4a6c8e0d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a \
    https://downloads.example.com/tool/v${TOOL_VERSION}/tool-linux-amd64.tar.gz /tmp/tool.tar.gz
RUN apk add --no-cache ca-certificates=20240705-r0 tini=0.19.0-r3 \
 && tar -xzf /tmp/tool.tar.gz -C /usr/local/bin tool \
 && rm /tmp/tool.tar.gz \
 && addgroup -S -g 10001 tool && adduser -S -D -H -u 10001 -G tool tool
LABEL org.opencontainers.image.source="https://git.example.com/ops/tool"
USER 10001:10001
WORKDIR /work
HEALTHCHECK NONE
ENTRYPOINT ["/sbin/tini", "--", "/usr/local/bin/tool"]
