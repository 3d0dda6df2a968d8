#!/usr/bin/env bash
# Build the image of the gateway and of every service under services/ with
# docker/service.Dockerfile. Called by `make images`.
#
#   IMAGE_PREFIX (default smart-community)  image name = $IMAGE_PREFIX/<name>:$IMAGE_TAG
#   IMAGE_TAG    (default: git short sha, or "dev"); every image is also tagged `local`,
#                the tag deploy/docker-compose.yml runs unless IMAGE_TAG is set there
#   PUSH=1       push after building
#   ONLY="gateway work-orders"  build only these
#
# Without a Docker daemon it says so and exits 0: there is nothing to build with.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! command -v docker >/dev/null 2>&1; then
  echo "build-images: no docker command here; skipping image builds (nothing built)."
  exit 0
fi
if ! docker info >/dev/null 2>&1; then
  echo "build-images: no Docker daemon answers (docker info failed); skipping image builds (nothing built)."
  echo "build-images: on a machine with Docker, run: make images"
  exit 0
fi

IMAGE_PREFIX="${IMAGE_PREFIX:-smart-community}"
IMAGE_TAG="${IMAGE_TAG:-$(git rev-parse --short HEAD 2>/dev/null || echo dev)}"

# name|directory|package for the gateway and each service (package = import name).
members=("gateway|gateway|gateway")
for dir in services/*/; do
  dir="${dir%/}"
  [[ -f "$dir/pyproject.toml" ]] || continue
  name="$(basename "$dir")"
  [[ -f "$dir/src/${name//-/_}/main.py" ]] || continue  # domain only so far: no process
  members+=("$name|$dir|${name//-/_}")
done

built=()
for member in "${members[@]}"; do
  IFS='|' read -r name dir package <<<"$member"
  if [[ -n "${ONLY:-}" && " ${ONLY} " != *" ${name} "* ]]; then
    continue
  fi
  image="${IMAGE_PREFIX}/${name}:${IMAGE_TAG}"
  echo "build-images: ${image} (${dir}, python -m ${package})"
  DOCKER_BUILDKIT=1 docker build \
    -f docker/service.Dockerfile \
    --build-arg "SERVICE_DIR=${dir}" \
    --build-arg "PACKAGE=${package}" \
    -t "$image" -t "${IMAGE_PREFIX}/${name}:local" .
  if [[ "${PUSH:-0}" == "1" ]]; then
    docker push "$image"
  fi
  built+=("$image")
done

echo "build-images: built ${#built[@]} image(s) (also tagged :local):"
printf '  %s\n' "${built[@]}"
echo "build-images: compose runs :local by default; IMAGE_TAG=${IMAGE_TAG} in deploy/.env pins these"
