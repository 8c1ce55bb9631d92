# The two README commands: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/sh
APT_TEST_PACKAGES := gcc-aarch64-linux-gnu chromium shellcheck curl tmux openssl iproute2 procps tcpdump lintian apt-utils gnupg binutils-multiarch systemd python3 nftables miniupnpd-nftables miniupnpc natpmpc dnsmasq-base klibc-utils libndpi-bin tshark
# What `make deb-test` needs on top (clean Debian roots, containers, arm64 emulation).
APT_SYSTEM_PACKAGES := mmdebstrap systemd-container qemu-user-static binfmt-support
# What `make deb` and `make apt-repo` need: the arm64 compiler for the cipher addon, strip for both architectures'
# addons, the repository's index and signature.
APT_DEB_PACKAGES := gcc-aarch64-linux-gnu binutils-multiarch xz-utils apt-utils gnupg
# What `make image` needs: an arm64 root under emulation, the partitions written without loop devices, bmap and xz.
APT_IMAGE_PACKAGES := mmdebstrap qemu-user-static binfmt-support dosfstools mtools e2fsprogs fdisk xz-utils bmap-tools
# What `make bench` needs on top: Debian's Tor, run as a private network beside the mesh for comparison.
APT_BENCH_PACKAGES := tor
# What `make image-test` needs on top: the arm64 boards emulated, ssh into the box, the partitions read in place.
APT_IMAGE_TEST_PACKAGES := qemu-system-arm openssh-client

# Installs those of the Debian packages given that are missing.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
endef
NODE_BIN := node_modules/.bin

# `make demo`: a local network of Nodes on loopback addresses (scripts/demo.ts); Ctrl-C stops it.
.PHONY: all deps build run demo deb apt-repo image image-test deb-test test test-deps typecheck lint unit integration bench screenshots clean

all: build

# Node.js itself comes from Debian when the machine has none.
node_modules/.installed: package.json package-lock.json
	@command -v node >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	# npm install, not npm ci: the registry here lacks some optional platform builds that the lock file names.
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

# The cipher addon (src/crypto/native/masq-cipher.c) for this machine: every program and test that enciphers loads it.
HOST_ARCH := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
dist/masq-cipher.node: node_modules/.installed src/crypto/native/masq-cipher.c scripts/build-addon.sh
	$(call apt_install,gcc)
	scripts/build-addon.sh $(HOST_ARCH) $@

deps: node_modules/.installed dist/masq-cipher.node

dist/masq-node.js dist/masq.js dist/masq-setup.js dist/masq-ssh-access.js dist/masq-imager.js dist/masq-wifi.js dist/masq-dns-utility.js dist/geo-country.bin: node_modules/.installed scripts/build.mjs $(shell find src -name '*.ts')
	node scripts/build.mjs

# The setup page's few static files (web-setup/ → dist/web-setup/).
dist/web-setup/index.html: node_modules/.installed scripts/build-web.mjs $(shell find web-setup -type f 2>/dev/null) src/setup/api.ts
	node scripts/build-web.mjs

build: dist/masq-node.js dist/geo-country.bin dist/web-setup/index.html dist/masq-cipher.node

run: build
	@scripts/run.sh

demo: build
	@node --import tsx scripts/demo.ts

test-deps: deps
	$(call apt_install,$(APT_TEST_PACKAGES))

typecheck: deps
	$(NODE_BIN)/tsc --noEmit -p .
	$(NODE_BIN)/tsc --noEmit -p web-setup

# eslint, then the layering rules of src/ (floors, no cycles, entry files only: .dependency-cruiser.cjs).
lint: deps
	$(NODE_BIN)/eslint src test bench scripts web-setup
	$(NODE_BIN)/depcruise --config .dependency-cruiser.cjs src

test: test-deps build typecheck lint
	scripts/run-tests.sh all

unit: test-deps
	scripts/run-tests.sh unit

integration: test-deps build
	scripts/run-tests.sh integration

# The setup page's screenshots in docs/setup/ (make test takes them too, into a temp dir).
screenshots: test-deps build
	MASQ_UPDATE_SCREENSHOTS=1 node --import tsx --test --test-concurrency=1 test/unit/web-render.test.ts test/integration/setup-page.test.ts test/integration/setup-page-mesh.test.ts

# Debian's tor package enables a service that joins the public Tor network: when this installs it, that service is
# stopped and disabled (the bench runs its own private network on loopback only).
bench: test-deps build
	@if ! dpkg -s $(APT_BENCH_PACKAGES) >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_BENCH_PACKAGES) && \
	  if [ -d /run/systemd/system ]; then systemctl disable --now tor.service; fi; fi
	node --import tsx bench/run.ts

# Debian packages for both architectures (dist/deb/), then a signed apt repository of them (dist/apt/).
# They need dpkg-deb, binutils-multiarch (strip for arm64), and for the repository apt-utils and gnupg.
deb: build
	$(call apt_install,$(APT_DEB_PACKAGES))
	scripts/build-deb.sh amd64
	scripts/build-deb.sh arm64

apt-repo: deb
	scripts/apt-repo.sh

# The Raspberry Pi image (dist/image/): Debian trixie arm64 with our package from dist/apt (image/README.md).
image: apt-repo
	$(call apt_install,$(APT_IMAGE_PACKAGES))
	image/build.sh

# The built image's file checks (no key, no password, our repository and units), then the image booted under QEMU
# (software emulation: about 12 minutes with the Debian root cached, image/README.md).
image-test: image
	$(call apt_install,$(APT_IMAGE_TEST_PACKAGES))
	node --import tsx --test --test-concurrency=1 --test-timeout=7200000 test/image/image-file.test.ts test/image/image-boot.test.ts test/image/image-wifi.test.ts

# The package installed, restarted, upgraded and purged in booted Debian 12 and 13 roots, and the arm64 package
# under qemu-user (slow: see docs/PACKAGING.md for the time it takes).
deb-test: test-deps build
	$(call apt_install,$(APT_SYSTEM_PACKAGES))
	scripts/deb-test.sh

clean:
	rm -rf dist node_modules

# `make simulate`: the neighborhood code over simulated links and clock (docs/SIMULATION.md); the figures on stdout,
# the share of Nodes with a route over time and, for more than one N, the figures over N in docs/simulation/.
# SIM_NODES=100,1000 takes a few CPU minutes; SIM_NODES=100,1000,10000 about half an hour.
# --expose-gc: the heap per Node is measured after a forced collection (scripts/sim/scale.ts), else not printed.
SIM_NODES ?= 100,1000
SIM_SEED ?= 1
SIM_SCENARIO ?= join
.PHONY: simulate
simulate: deps
	node --expose-gc --import tsx scripts/simulate.ts --nodes $(SIM_NODES) --seed $(SIM_SEED) --scenario $(SIM_SCENARIO) --svg docs/simulation/$(SIM_SCENARIO)-routes.svg --scale-svg docs/simulation/$(SIM_SCENARIO)-scale.svg
