# SPDX-License-Identifier: GPL-2.0
# Shared settings for the Checmate pipeline scripts. Source, do not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${CHECMATE_BUILD:-$TOP/build}
PRISTINE=$B/pristine		# extracted linux-source-6.12, never modified
TREE=$B/linux			# pristine + overlay + patches/series
OBJ=${CHECMATE_OBJ:-$B/obj}	# O= output of the kernel build
TOOLS=$B/tools			# libbpf, bpftool, kselftest output
LOGS=$B/logs
JOBS=${JOBS:-$(nproc)}
VM_CPUS=2			# the guest's CPUs; make check checks it sees them
CLANG=${CLANG:-clang-19}
LLVM_STRIP=${LLVM_STRIP:-llvm-strip-19}

# Top-level directories of the repository that are kernel-tree overlay.
OVERLAY_DIRS="Documentation include samples security tools"

die() { echo "error: $*" >&2; exit 1; }
msg() { echo "== $*" >&2; }

# kver TREE: print VERSION.PATCHLEVEL.SUBLEVEL of a kernel tree.
kver() {
	awk -F' *= *' '/^VERSION/{v=$2} /^PATCHLEVEL/{p=$2} /^SUBLEVEL/{s=$2}
		/^EXTRAVERSION/{print v "." p "." s $2; exit}' "$1/Makefile"
}

# overlay_files: every overlay file, relative to TOP, tracked or not
# (but not ignored), sorted.
overlay_files() {
	(cd "$TOP" && for d in $OVERLAY_DIRS; do
		[ -d "$d" ] || continue
		if git rev-parse --git-dir >/dev/null 2>&1; then
			git ls-files --cached --others --exclude-standard -- "$d"
		else
			find "$d" -type f
		fi
	done | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done)
}

# series_patches: the patch files of patches/series, in order.
series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/patches/series" |
		awk '{print $1}'
}

# patch_files PATCH: the tree paths a patch touches.
patch_files() {
	awk '/^\+\+\+ /{ p=$2; sub(/^b\//, "", p);
		if (p != "/dev/null") print p }
		/^--- /{ p=$2; sub(/^a\//, "", p);
		if (p != "/dev/null") print p }' "$1" | sort -u
}
