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
  desktop-file-utils appstream shared-mime-info
  dpkg-dev file
)

# The sanitizer, fuzzing and ThreadSanitizer builds (CI after the main build, scripts/fuzz.sh):
# clang with its runtimes (libFuzzer, ASan, UBSan, TSan) and llvm-symbolizer for stack traces.
SANITIZER_PACKAGES=(clang-14 libclang-rt-14-dev llvm-14)
SANITIZER_CC=/usr/bin/clang-14
SANITIZER_CXX=/usr/bin/clang++-14

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

# Also puts LLVM 14's llvm-symbolizer first on PATH, where the sanitizers look for it.
install_sanitizer_dependencies() {
  install_packages "${SANITIZER_PACKAGES[@]}"
  export PATH="/usr/lib/llvm-14/bin:$PATH"
}

# configure_sanitizer_build DIR [extra cmake arguments...]
# Core, the CLI and their tests (no GUI) with clang, for the sanitizers: -O1, as AddressSanitizer
# recommends (at -O0 Eigen's expression templates make the engine's tests five times slower, and
# the sanitizers find the same faults; asserts stay on), and -g1, line tables only: all a stack
# trace needs, and much faster to compile than full debug information.
configure_sanitizer_build() {
  local dir="$1"
  shift
  # The compilers are given on the first configure only: given again to an existing tree, CMake
  # drops the whole cache (every option with it). A tree made with another compiler starts anew.
  local compilers=()
  if [ ! -f "$dir/CMakeCache.txt" ] || ! grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$SANITIZER_CXX" "$dir/CMakeCache.txt"; then
    rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
    compilers=(-DCMAKE_C_COMPILER="$SANITIZER_CC" -DCMAKE_CXX_COMPILER="$SANITIZER_CXX")
  fi
  log "configuring $dir"
  cmake -S "$PROJECT_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    "${compilers[@]}" -DPRETRAINLAB_CORE_ONLY=ON "$@"
}

# configure_and_build [extra cmake arguments...]
configure_and_build() {
  log "configuring $BUILD_DIR"
  cmake -S "$PROJECT_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
  log "building with $JOBS jobs"
  cmake --build "$BUILD_DIR" --parallel "$JOBS"
}
