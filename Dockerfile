# syntax=docker/dockerfile:1
# Build:
#   docker build \
#     --build-arg VERSION=$(git describe --always --dirty) \
#     --build-arg REVISION=$(git rev-parse HEAD) \
#     --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) \
#     -t shipsync .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG REVISION=
# Static binary; time/tzdata is linked in (cmd/shipsync imports it), so
# America/Los_Angeles resolves without a zoneinfo directory. .git is not in
# the build context, so the revision comes in as a build argument.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.revision=${REVISION}" -o /out/shipsync ./cmd/shipsync

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=https://github.com/shipsync/shipsync
LABEL org.opencontainers.image.title="shipsync" \
      org.opencontainers.image.description="Keeps a Quipt tenant and a ShipStation account in step" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.created="${CREATED}"
COPY --from=build /out/shipsync /usr/local/bin/shipsync
USER nonroot:nonroot
EXPOSE 8080
# `shipsync health` probes /healthz on HTTP_ADDR and exits non-zero unless it
# answers; distroless has no shell, so the exec form.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/shipsync", "health"]
ENTRYPOINT ["/usr/local/bin/shipsync"]
CMD ["run"]
