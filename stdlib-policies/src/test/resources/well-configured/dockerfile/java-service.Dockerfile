# A Java service: built with the Maven wrapper, layered jar on a JRE image, non-root.
FROM eclipse-temurin:21.0.4_7-jdk-jammy@sha256:4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c AS build
WORKDIR /workspace
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:go-offline
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q package -DskipTests \
 && java -Djarmode=layertools -jar target/app.jar extract --destination /layers

FROM eclipse-temurin:21.0.4_7-jre-jammy@sha256:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --no-create-home app
WORKDIR /opt/app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
LABEL org.opencontainers.image.source="https://git.example.com/billing/invoices"
USER 10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD ["java", "-cp", "/opt/app", "org.example.HealthProbe"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "org.springframework.boot.loader.launch.JarLauncher"]
