#!/usr/bin/env bash
# Installs what nicsim needs through apt, only when something is missing, then configures and builds.
#   scripts/setup.sh                   the default preset (NICSIM_PRESET=asan|fuzz|coverage another)
#   scripts/setup.sh --install-only    packages only: the CI stage scripts build what they run
# The fuzz preset also needs clang and its libFuzzer runtime; no other preset installs them. Clang 16:
# <ndis.h> uses std::source_location, which libstdc++ 12 gives clang only from version 15 on. Its
# device fuzzer builds the platform and the NIC model too (Verilator, SystemC), not the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

preset=${NICSIM_PRESET:-default}
install_only=false
for arg in "$@"; do
  case "$arg" in
    --install-only) install_only=true ;;
    *) echo "scripts/setup.sh: unknown argument '$arg' (want --install-only)" >&2; exit 2 ;;
  esac
done

packages=(cmake ninja-build g++ python3 pkg-config verilator libsystemc-dev zlib1g-dev libgtest-dev libgmock-dev
          libcli11-dev nlohmann-json3-dev libpcap-dev libdw-dev gtkwave tshark)
case "$preset" in
  default | asan) ;;
  coverage) packages+=(gcovr lcov) ;;  # scripts/coverage.sh's reports (lcov: genhtml)
  fuzz) packages=(cmake ninja-build g++ python3 pkg-config verilator libsystemc-dev zlib1g-dev libcli11-dev
                  nlohmann-json3-dev libpcap-dev libdw-dev clang-16 libclang-rt-16-dev) ;;
  *) echo "scripts/setup.sh: unknown preset '$preset' (want default, asan, fuzz or coverage)" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "nicsim: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo_cmd[@]}" debconf-set-selections 2>/dev/null || true
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
$install_only && exit 0

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j"$(nproc)"
