# The compose `tools` service: Node for the kit, OpenTofu for deploys. OpenTofu is built from Go modules by the
# same pinned, go.sum-verified recipe as the host toolchain (scripts/toolchain.sh), not downloaded as a binary.
FROM golang:1.26.8-bookworm AS tofu
COPY scripts/toolchain /src/scripts/toolchain
COPY scripts/toolchain.sh /src/scripts/toolchain.sh
RUN CUSTOMERS_API_CACHE=/cache /src/scripts/toolchain.sh tofu && cp "$(find /cache -type f -name tofu)" /tofu

FROM node:22.21.1-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates make && rm -rf /var/lib/apt/lists/*
COPY --from=tofu /tofu /usr/local/bin/tofu
