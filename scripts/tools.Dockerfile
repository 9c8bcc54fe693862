# The compose `tools` service: Node for the kit, OpenTofu for deploys, Python + MiniStack for `make test`.
# The bases are build args that default to the official images a user pulls, so a user's build takes seconds; our
# air-gapped CI passes locally built stand-ins (.ci/images.sh). OpenTofu comes from its minimal image, which holds
# only the binary and is meant for exactly this COPY (OpenTofu >= 1.10 no longer supports its images as a base).
ARG NODE_IMAGE=node:24.22.3-bookworm-slim
ARG TOFU_IMAGE=ghcr.io/opentofu/opentofu:1.12.6-minimal
FROM ${TOFU_IMAGE} AS tofu

FROM ${NODE_IMAGE}
# make for the targets, python3 + venv for MiniStack (the fast suite's DynamoDB): installed only when the base lacks
# them, so a base that has them needs no package mirror.
RUN if ! command -v make >/dev/null || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends ca-certificates make python3 python3-venv \
      && rm -rf /var/lib/apt/lists/*; \
    fi
COPY --from=tofu /usr/local/bin/tofu /usr/local/bin/tofu
# MiniStack by the same hash-locked recipe as the host toolchain, baked in so `make test` finds it cached.
ENV CUSTOMERS_API_CACHE=/opt/customers-api
COPY scripts/toolchain /opt/toolchain-src/scripts/toolchain
COPY scripts/toolchain.sh /opt/toolchain-src/scripts/toolchain.sh
RUN /opt/toolchain-src/scripts/toolchain.sh ministack && tofu version
