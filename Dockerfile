# Parley's image: built from source in one stage, run as a non-root user from a
# classpath in the next (no shaded jar: every Pekko module keeps its own reference.conf).
#   docker build -t parley:dev .
#   docker run --rm -p 8080:8080 -e PARLEY_API_TOKEN=secret parley:dev     # one node on H2
# On Kubernetes (k8s/) the ConfigMap replaces /app/application.conf with the same file.
# Plug-in tools (docs/configuration.md): the *.jar files of PARLEY_PLUGINS_DIR (/app/plugins)
# are on the classpath; an image of your own adds them with
#   FROM parley:dev
#   COPY my-tools.jar /app/plugins/

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
COPY src src
# The Maven repository is a BuildKit cache (Docker's default builder since 23.0), so a
# rebuild after a source change downloads nothing again.
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests package

FROM eclipse-temurin:17-jre
# A fixed numeric id, so that Kubernetes' runAsNonRoot can verify it (k8s/base/deployment.yaml).
RUN groupadd --system --gid 10001 parley \
 && useradd --system --uid 10001 --gid parley --home-dir /app --no-create-home parley \
 && mkdir -p /app/data /app/plugins \
 && chown parley:parley /app/data
WORKDIR /app
COPY --from=build /build/target/lib /app/lib
COPY --from=build /build/target/classes /app/classes
COPY application.conf /app/application.conf
# Its jars join the classpath at start (CMD); another directory may be mounted and named here.
ENV PARLEY_PLUGINS_DIR=/app/plugins
USER 10001
# Heap from the container's memory limit; an OutOfMemoryError ends the process so the
# orchestrator restarts it. Kubernetes sets the same in the Deployment.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# HTTP (webhooks, API), management (/alive, /ready), Artery remoting.
EXPOSE 8080 8558 25520
# sh only to expand JAVA_OPTS; exec makes the JVM process 1, so SIGTERM from
# `docker stop` or the kubelet reaches it and runs coordinated shutdown.
CMD ["sh", "-c", "exec java $JAVA_OPTS -Dconfig.file=/app/application.conf -cp \"/app/classes:/app/lib/*:${PARLEY_PLUGINS_DIR:-/app/plugins}/*\" dev.parley.Main"]
