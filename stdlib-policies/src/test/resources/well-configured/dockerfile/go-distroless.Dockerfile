# syntax=docker/dockerfile:1.7
# A Go service: built in a pinned toolchain image, shipped as a static binary on distroless, as non-root.
ARG GO_VERSION=1.22.5

FROM golang:${GO_VERSION}-bookworm@sha256:6c2780255bb530a3b5ed8e5d3ec2d9b3c8f0e83c7f0d6e8b2a0b1f3c5d7e9a1b AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download -x
COPY cmd/ ./cmd/
COPY internal/ ./internal/
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server ./cmd/server

FROM gcr.io/distroless/static-debian12:nonroot@sha256:8dd8d3ca2cf283383304fd45a5c9c74d5f2cd9da8d3b077d720e264880077c65
ARG REVISION=unknown
LABEL org.opencontainers.image.source="https://git.example.com/platform/orders" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.title="orders"
COPY --from=build --chmod=0555 /out/server /usr/local/bin/server
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ["/usr/local/bin/server", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/server"]
CMD ["--listen=:8080"]
