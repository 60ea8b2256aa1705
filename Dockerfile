# syntax=docker/dockerfile:1
# The policy command in an image: built with the Maven wrapper, run on a JRE as an unprivileged user.
#   docker build -t codomyrmex/policy .
#   docker run --rm -v "$PWD:/work:ro" codomyrmex/policy check .
# Base images are pinned to an exact release tag. No digest could be looked up where this file was written,
# so the digest rule is suppressed with that reason; pin the digests when publishing the image.
# policy:ignore REG-008 exact release tags; digests to be pinned by the publishing pipeline
FROM eclipse-temurin:17.0.13_11-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests package -pl cli -am

# policy:ignore REG-008 exact release tags; digests to be pinned by the publishing pipeline
FROM eclipse-temurin:17.0.13_11-jre
LABEL org.opencontainers.image.title="policy" \
      org.opencontainers.image.description="Codomyrmex Container Policy: checks Dockerfiles, compose files, Kubernetes manifests and image metadata"
COPY --from=build /src/cli/target/policy.jar /opt/policy/policy.jar
# A fixed non-root user; the scanned folder is mounted read-only.
USER 10001:10001
WORKDIR /work
# A one-shot tool has no service to probe; the check is that the JVM and the jar still start.
HEALTHCHECK --interval=5m --timeout=30s CMD ["java", "-jar", "/opt/policy/policy.jar", "--version"]
ENTRYPOINT ["java", "-jar", "/opt/policy/policy.jar"]
CMD ["--help"]
