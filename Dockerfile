# syntax=docker/dockerfile:1
# Build: docker build --build-arg VERSION=$(git describe --always) -t shipsync .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# Static binary; time/tzdata is linked in (cmd/shipsync imports it), so
# America/Los_Angeles resolves without a zoneinfo directory.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/shipsync ./cmd/shipsync

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/shipsync /usr/local/bin/shipsync
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/shipsync"]
CMD ["run"]
