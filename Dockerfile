# syntax=docker/dockerfile:1
# Fleetgate's image: docker build -t fleetgate .
# Build stage: Maven on JDK 21 compiles target/fleetgate.jar and copies its libraries to target/lib.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build
# Node.js builds the operator console (src/main/console) into the jar
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
COPY pom.xml ./
COPY src/main ./src/main
# packaged into the jar as the default routes and topic declarations
COPY routes ./routes
COPY kafka ./kafka
# the tests need the simulator, an embedded broker and Redis; CI runs them (.ci/run), not the image build
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -Dmaven.test.skip=true package

# Run stage: a JRE and the app. The routes and topic declarations are inside the jar; to run your
# own, mount a folder of *.camel.yaml and set FLEETGATE_ROUTES_DIR (and FLEETGATE_KAFKA_TOPICS_FILE).
# JRE 25 for the ahead-of-time cache the launcher keeps (JEP 483/514; the jar itself needs 21+).
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 fleetgate \
    && useradd --system --uid 10001 --gid fleetgate --home-dir /app --no-create-home --shell /usr/sbin/nologin fleetgate
WORKDIR /app
COPY --from=build /build/target/lib/ ./lib/
COPY --from=build /build/target/fleetgate.jar ./fleetgate.jar
COPY bin/fleetgate ./bin/fleetgate
# data/ is where the embedded broker of a single-container run (no fleetgate.kafka.bootstrap-servers,
# or --demo) keeps its log; the Helm chart always names a Kafka cluster and mounts the root read-only
RUN mkdir -p /app/data && chown fleetgate:fleetgate /app/data
USER 10001:10001
# the heap follows the container's memory limit
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# the launcher's ahead-of-time cache: written when the first start stops, mapped by the next ones
# (the chart keeps it on the pod's /tmp, so a restarted container starts faster)
ENV FLEETGATE_JAR=/app/fleetgate.jar FLEETGATE_AOT_CACHE=/app/data/aot/fleetgate.aot
# 8080: REST ingress (camel.server.port); 9876: management, health and metrics (camel.management.port)
EXPOSE 8080 9876
ENTRYPOINT ["/app/bin/fleetgate"]
