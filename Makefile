# terraform-provider-baidu: everyday entry points.
#   make demo   the main job: a running peering on the local emulator in one command
#   make test   every check there is, exactly what CI runs (.ci/run)
# Everything uses cargo's one `dev` profile, so builds, tests and lint share target/.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo

.PHONY: help demo test bench build install release fmt lint audit tools tools-terraform tools-python

help:
	@echo "make demo    build, start the emulator, terraform init + apply examples/quickstart, print the peerConnIds"
	@echo "             (KEEP_RUNNING=1 leaves the emulator running; TERRAFORM=path picks the CLI)"
	@echo "make test    install pinned tools, then fmt check, clippy, every test and a benchmark smoke run (what CI runs)"
	@echo "make bench   the full benchmark run (release build, about 15 minutes once built; see BENCHMARKS.md)"
	@echo "make build   cargo build of terraform-provider-baidu and baidu-vpc-emulator"
	@echo "make tools   install pinned Terraform 1.0.3/1.15.5 (+1.11.4 where present) and Baidu's Python SDK into .tools/"
	@echo "make fmt     cargo fmt"
	@echo "make lint    cargo fmt --check and cargo clippy --all-targets -D warnings"
	@echo "make audit   cargo deny (deny.toml): licenses, bans, sources; advisories when the RustSec DB is present"
	@echo "make install install the provider into ~/.terraform.d/plugins (filesystem-mirror layout), so"
	@echo "             'terraform init' finds baidu/baidu offline; PLUGIN_DIR=, PROFILE=dev|release, BINARY=, HOSTS="
	@echo "make release dist/: the provider zip, SHA256SUMS and manifest, reproducibly (BINARY=, DIST=, SOURCE_DATE_EPOCH=)"

build:
	$(CARGO) build --workspace --bins

# The main job: emulator + provider + `terraform apply` of examples/quickstart, offline;
# stops the emulator at the end unless KEEP_RUNNING=1 (see scripts/demo.sh).
demo:
	scripts/demo.sh

tools: tools-terraform tools-python

tools-terraform:
	scripts/install-terraform.sh

tools-python:
	scripts/install-bce-sdk.sh

# Benchmarks against same-run floors; results and plot in benches/results/,
# tables copied into BENCHMARKS.md. `benches/e2e.sh --help` lists the knobs.
bench:
	benches/e2e.sh --update-doc

fmt:
	$(CARGO) fmt

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Dependency policy (deny.toml): licenses, bans (no OpenSSL), sources (crates.io
# only), and RustSec advisories when a copy of the advisory database is on the
# machine (cargo-deny clones it from GitHub, which these machines cannot reach;
# see RELIABILITY.md). Not part of `make test`: installing cargo-deny compiles
# for many minutes on 2 cores.
audit:
	@command -v cargo-deny >/dev/null 2>&1 || $(CARGO) install --locked cargo-deny
	$(CARGO) deny --offline check --hide-inclusion-graph licenses bans sources
	@db="$${CARGO_HOME:-$$HOME/.cargo}/advisory-dbs"; \
	if compgen -G "$$db/*/crates" >/dev/null; then \
	  $(CARGO) deny --offline check --hide-inclusion-graph advisories; \
	else \
	  echo "make audit: advisories skipped: no RustSec advisory database under $$db (see RELIABILITY.md)"; \
	fi

# Release build by default (PROFILE=dev for target/debug); settings on the make
# command line (PLUGIN_DIR=..., HOSTS=..., BINARY=...) reach the script's environment.
install:
	scripts/install-provider.sh

release:
	scripts/package-release.sh

# Runs every step even after a failure, so one run shows everything that is wrong,
# then prints a summary and fails if any step failed.
test:
	@status=0; summary=""; \
	step() { \
	  local name="$$1"; shift; local start=$$SECONDS result; \
	  echo; echo "==> $$name: $$*"; \
	  if "$$@"; then result=ok; else result=FAILED; status=1; fi; \
	  summary+="$$(printf '  %-7s %-26s %5ss' "$$result" "$$name" "$$((SECONDS - start))")"$$'\n'; \
	}; \
	step "install Terraform" scripts/install-terraform.sh; \
	step "install Python SDK" scripts/install-bce-sdk.sh; \
	step "cargo fmt --check" $(CARGO) fmt --check; \
	step "cargo clippy" $(CARGO) clippy --workspace --all-targets -- -D warnings; \
	step "cargo test" $(CARGO) test --workspace --no-fail-fast; \
	step "bench smoke (N=10)" benches/e2e.sh --quick; \
	echo; echo "==> make test summary"; printf '%s' "$$summary"; \
	if [ "$$status" = 0 ]; then echo "make test: all steps passed"; else echo "make test: FAILED"; fi; \
	exit $$status
