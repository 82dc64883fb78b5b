# flowprobe — one entry point for installing, building, testing and benchmarking.
# Every target installs what is missing first (idempotent), so a fresh Debian 12
# machine needs nothing but `make run` or `make test`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
STAMPS := .make

# Debian packages the product and its tests use. Keep sorted by purpose.
# libasan8: AddressSanitizer runtime for the fuzz run's shim build (make -C dataplane/native asan).
APT_BUILD   := build-essential pkg-config libasan8
APT_DPDK    := dpdk libdpdk-dev
APT_NDPI    := libndpi-dev libndpi4.2 libndpi-bin
APT_REDIS   := redis-server
APT_SIEM    := rsyslog rsyslog-gnutls openssl
APT_BROWSER := chromium fonts-dejavu-core pngquant
APT_NET     := iproute2 iputils-ping wrk
# promtool (package prometheus): the tests check /metrics with `promtool check metrics`.
APT_METRICS := prometheus
# IPFIX export tests: collectors nfcapd/nfdump and pmacct's nfacctd, reference exporter softflowd.
APT_IPFIX   := nfdump pmacct softflowd
# Flow history on ClickHouse: the tests start their own servers (Debian 12: 18.16).
APT_HISTORY := clickhouse-server
# Names tests: tools/make-test-mmdb.pl writes the tests' own MaxMind DB files; dnsmasq answers the reverse DNS tests.
APT_NAMES   := libmaxmind-db-writer-perl dnsmasq-base
# The appliance image (make image) and its boot test.
APT_IMAGE   := packer qemu-system-x86 qemu-utils debootstrap ovmf grub-pc-bin grub-efi-amd64-bin grub-common \
               mtools dosfstools e2fsprogs fdisk rsync openssh-client cloud-image-utils expect socat curl python3 \
               rauc squashfs-tools openssl
APT_PACKAGES := $(APT_BUILD) $(APT_DPDK) $(APT_NDPI) $(APT_REDIS) $(APT_SIEM) $(APT_BROWSER) $(APT_NET) $(APT_METRICS) $(APT_IPFIX) $(APT_HISTORY) $(APT_NAMES) $(APT_IMAGE)

REDIS_URL ?= redis://127.0.0.1:6379

.PHONY: all deps apt npm native build run test test-appliance bench bench-history bench-history-100m clean redis screenshots typecheck cycles image bundle test-image test-upgrade test-provisioning soak fuzz

all: build

deps: apt npm

# apt-get update once, then install only what is missing. Checked again whenever the
# package list changes (the stamp's name is a hash of it); `rm -f .make/apt-*` re-checks now.
APT_STAMP := $(STAMPS)/apt-$(shell echo '$(APT_PACKAGES)' | md5sum | cut -c1-12)
apt: $(APT_STAMP)
$(APT_STAMP):
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get -o DPkg::Lock::Timeout=900 update -qq; \
	  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(STAMPS); rm -f $(STAMPS)/apt-*; touch $@

# Install the npm workspaces from the committed lockfile when it changed since the
# last install (or node_modules is missing). `npm install` rather than `npm ci`:
# the registry here lacks some other-platform optional binaries (e.g.
# @unrs/resolver-binding-android-*), which npm leaves out of the lockfile and
# `npm ci` then rejects as "out of sync"; `npm install` keeps every locked version.
# --no-save: installing never rewrites the committed lockfile (`make test` leaves
# the tree clean); add a dependency with `npm install PKG -w WORKSPACE`.
npm: $(STAMPS)/npm
$(STAMPS)/npm: package-lock.json package.json */package.json
	@mkdir -p $(STAMPS)
	npm install --no-save --no-audit --no-fund
	@touch $@

# Each workspace is rebuilt only when one of its inputs is newer than its stamp
# (dist/.built, written after a successful build; `make clean` removes it), so
# `make run` on a built tree starts the appliance at once. The native shims'
# own Makefiles rebuild only what changed.
TS_INPUTS = $(shell find $(1)/src -name '*.ts' -not -name '*.spec.ts') $(1)/package.json $(1)/tsconfig.build.json tsconfig.base.json
PORTAL_INPUTS := $(shell find portal/src portal/public controlplane/src/api -type f -not -name '*.spec.ts') \
                 portal/package.json portal/angular.json portal/tsconfig.json portal/tsconfig.app.json dataplane/src/query-vocabulary.ts
BUILT := dataplane/dist/.built controlplane/dist/.built appliance/dist/.built portal/dist/.built

build: deps native $(BUILT)

native: apt
	$(MAKE) -C dataplane/native
	$(MAKE) -C dataplane/native asan

dataplane/dist/.built: $(STAMPS)/npm $(call TS_INPUTS,dataplane)
	npm run build -w dataplane
	@touch $@
controlplane/dist/.built: dataplane/dist/.built $(call TS_INPUTS,controlplane)
	npm run build -w controlplane
	@touch $@
appliance/dist/.built: controlplane/dist/.built $(call TS_INPUTS,appliance)
	npm run build -w appliance
	@touch $@
portal/dist/.built: $(STAMPS)/npm $(PORTAL_INPUTS)
	npm run build -w portal
	@touch $@

# Start a local redis-server when none answers at REDIS_URL.
redis: apt
	@if ! redis-cli -u "$(REDIS_URL)" ping >/dev/null 2>&1; then \
	  echo "redis: starting redis-server"; \
	  redis-server --daemonize yes --save '' --appendonly no --port 6379 --bind 127.0.0.1; \
	  for i in $$(seq 1 50); do redis-cli -u "$(REDIS_URL)" ping >/dev/null 2>&1 && break; sleep 0.1; done; \
	fi

run: build redis
	node appliance/bin/flowprobe.js run

# No import cycle between files or top-level folders inside a package (tools/check-import-cycles.js).
cycles: npm
	node tools/check-import-cycles.js

# The suites in workspace order. The image is built beside the appliance suite, whose longest
# tests mostly wait for minute passes (-Otarget keeps each one's output together).
test: build redis typecheck cycles
	npm test -w dataplane
	npm test -w controlplane
	$(MAKE) -j2 -Otarget test-appliance image
	npm test -w portal
	$(MAKE) test-image

# The appliance package's suite alone (in `make test`, beside `make image`).
test-appliance: build redis
	npm test -w appliance

# Soak (docs/reliability.md): the real appliance on the shared captures with rewritten
# addresses, looped at full speed, an API client and a SIEM receiver, for SOAK_MINUTES;
# fails if RSS, heap or fds keep growing. Report in $$SOAK_OUT (default a temp folder).
SOAK_MINUTES ?= 60
soak: build redis
	SOAK_MINUTES=$(SOAK_MINUTES) nice -n 10 node -r ./dataplane/test/dpdk-ts-register.js appliance/soak/soak.ts

# The fuzz campaign (docs/fuzzing.md): FUZZ_PACKETS mutated packets through the pipeline
# with nDPI and the AddressSanitizer shim; crashing inputs kept in $$FUZZ_OUT/crashes.
FUZZ_PACKETS ?= 10000000
FUZZ_OUT ?= /tmp/flowprobe-fuzz
fuzz: build
	nice -n 10 node -r ./dataplane/test/dpdk-ts-register.js dataplane/test/fuzz/fuzz-campaign.ts --asan --packets $(FUZZ_PACKETS) --out $(FUZZ_OUT)

# Benchmarks of every package (each prints the machine's load beside its figures:
# on a shared machine the numbers move with it). See the README's table.
bench: build redis
	npm run bench --workspaces --if-present

# Flow history only: records/s into DuckDB and into a private clickhouse-server,
# bytes per record, a day's top-10 hosts and one host's flows (HISTORY_BENCH_N records, default 2 M).
bench-history: build
	cd controlplane && npx tsc -p tsconfig.bench.json && node dist-bench/bench/history.bench.js

# Query latency over 100 M stored flows of one day (docs/history.md); the day file (~8 GB) is made once
# in ~/.cache/flowprobe/history-bench-100000000 (HISTORY_BENCH_CACHE), later runs only query it.
bench-history-100m: build
	cd controlplane && npx tsc -p tsconfig.bench.json && HISTORY_BENCH_BULK=100000000 node dist-bench/bench/history.bench.js

# Regenerate the portal screenshots in docs/screenshots/ (make test writes them to a temporary folder).
screenshots: build redis
	FLOWPROBE_SCREENSHOTS=1 npm test -w portal

clean:
	rm -rf $(STAMPS) */dist */dist-bench dataplane/native/build dataplane/native/build-asan

# Type-check every package with its specs and tests (the builds leave specs out,
# and jest runs them without a type check). The portal's tsconfig.json only refers to
# tsconfig.app.json: its app and its specs + e2e (tsconfig.spec.json) are checked one by one.
typecheck: build
	for p in dataplane controlplane appliance; do (cd $$p && npx tsc --noEmit -p tsconfig.json); done
	cd portal && npx tsc --noEmit -p tsconfig.app.json && npx tsc --noEmit -p tsconfig.spec.json

# The appliance disk image in build/image/ (qcow2, raw, SHA256SUMS); rebuilt only
# when the release, provisioning/ or packer/ changed. See docs/appliance.md.
image: build
	nice packer/build.sh

# The image's root file system as a signed rauc update bundle (build/image/flowprobe-VERSION.raucb),
# signed with the development key made outside the repo when absent (docs/upgrades.md).
bundle: image
	nice packer/bundle.sh

# provision.sh run twice in a chroot of a fresh debootstrap: the second run changes
# nothing (without the image: `make test` checks the image's own provisioned root).
test-provisioning: build
	nice packer/build.sh rootfs
	provisioning/test/idempotence.sh

# The image's tests (part of `make test`): provisioning idempotence on the image's
# provisioned root, then under qemu TCG the UEFI boot test (the console dialog) and
# the upgrade test (N -> N+1 through the API -> broken N+2 -> back on N+1 by itself,
# docs/upgrades.md), whose VM also runs the BIOS boot test's checks (seeded, capture
# through DPDK, HTTPS, flows) on image N instead of booting the image once more.
# See docs/image.md. `packer/test/boot-test.sh bios` still boots a VM of its own.
test-image: image
	provisioning/test/idempotence.sh
	packer/test/boot-test.sh uefi
	packer/test/upgrade-test.sh

# The A/B upgrade test alone (with the BIOS boot test's checks on N).
test-upgrade: image
	packer/test/upgrade-test.sh
