# Shared by the scripts: install what the project needs from Debian (only what is missing),
# then configure and build. Source it; do not run it.

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${PRETRAINLAB_BUILD_DIR:-$PROJECT_ROOT/build}"
JOBS="${PRETRAINLAB_JOBS:-2}"

# Everything the project builds, tests and screenshots with.
DEBIAN_PACKAGES=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools libgl-dev
  libqcustomplot-dev
  libeigen3-dev libopenblas-dev
  nlohmann-json3-dev libpcre2-dev libutf8proc-dev
  xvfb xauth fonts-dejavu-core fonts-droid-fallback fonts-noto-color-emoji
  desktop-file-utils appstream
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "need root to run: $*  (run as root or install sudo)"
    return 1
  fi
}

install_packages() {
  local missing=()
  local package
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  log "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

install_dependencies() { install_packages "${DEBIAN_PACKAGES[@]}"; }

# configure_and_build [extra cmake arguments...]
configure_and_build() {
  log "configuring $BUILD_DIR"
  cmake -S "$PROJECT_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
  log "building with $JOBS jobs"
  cmake --build "$BUILD_DIR" --parallel "$JOBS"
}
