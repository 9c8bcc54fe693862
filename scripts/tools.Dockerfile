# The compose `tools` service: Node for the kit, OpenTofu for deploys. OpenTofu is built from Go modules by the
# same pinned, go.sum-verified recipe as the host toolchain (scripts/toolchain.sh), not downloaded as a binary.
FROM golang:1.26.8-bookworm AS tofu
COPY scripts/toolchain /src/scripts/toolchain
COPY scripts/toolchain.sh /src/scripts/toolchain.sh
RUN CUSTOMERS_API_CACHE=/cache /src/scripts/toolchain.sh tofu && cp "$(find /cache -type f -name tofu)" /tofu

FROM node:22.21.1-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates make python3 python3-venv \
  && rm -rf /var/lib/apt/lists/*
COPY --from=tofu /tofu /usr/local/bin/tofu
# MiniStack for the fast suite's DynamoDB, by the same hash-locked recipe, baked in so `make test` finds it cached.
ENV CUSTOMERS_API_CACHE=/opt/customers-api
COPY scripts/toolchain /opt/toolchain-src/scripts/toolchain
COPY scripts/toolchain.sh /opt/toolchain-src/scripts/toolchain.sh
RUN /opt/toolchain-src/scripts/toolchain.sh ministack
