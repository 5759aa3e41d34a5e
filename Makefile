# SPDX-License-Identifier: GPL-2.0
# Checmate: build, boot and test a Checmate kernel. See README.md.

.PHONY: all check demo series build apply deps source clean distclean coverage \
	regress bench

all: demo

# Everything: build, boot, KUnit + kselftests, series + checkpatch.
check:
	@bash scripts/check

# Build, boot and show Checmate at work.
demo:
	@bash scripts/demo

# A gcov kernel in build/cov: line and branch coverage per file.
coverage:
	@bash scripts/coverage

# Upstream's BPF selftests on the patched and on the pristine kernel (slow).
regress: apply
	@bash scripts/regress

# The measurement kernel in build/bench: Checmate against its peers, as
# guest instruction counts and time ratios measured in one boot.
bench: apply
	@bash scripts/bench

# The upstream patch series, into build/series/.
series: apply
	@bash scripts/series

build:
	@bash scripts/build

apply: source
	@bash scripts/apply

source: deps
	@bash scripts/source

deps:
	@bash scripts/deps

# Drop build output but keep the extracted and applied trees.
clean:
	rm -rf build/obj build/tools build/initramfs build/initramfs.cpio \
		build/series build/series-work build/logs build/regress \
		build/bench

distclean:
	rm -rf build
