// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: protect an agent from being stopped, loader
 *
 *   checmate_protect attach [--at CGROUP] DIR AGENT_CGROUP PID...
 *   checmate_protect list DIR
 *   checmate_protect stats DIR
 *   checmate_protect unpin DIR
 *
 * attach protects the processes PID... (the agent: each PID stands for
 * its whole process; PIDs as the initial pid namespace sees them), which
 * run in AGENT_CGROUP: no task governed by the policy may signal them
 * (signal 0 excepted), trace, inspect or write to them, nor open for
 * writing cgroup.kill, cgroup.freeze or cgroup.procs of AGENT_CGROUP and
 * of each of its ancestors up to the cgroup2 root. The agent itself may.
 * The programs are attached to CGROUP (default /sys/fs/cgroup, the
 * cgroup2 root, which governs every task) and the three hooks are then
 * sealed there append-only: nobody, root in a container or on the host,
 * can detach, replace or reset them while CGROUP exists (for the root
 * cgroup: until reboot), and removing the pins or closing the links
 * leaves them in place. The maps (the protected processes, the cgroup
 * files) are pinned in DIR, a bpffs directory, for list, and frozen: not
 * even root can change them. To protect another set, attach again (with
 * another DIR): policies add up.
 *
 * What this does not stop, because no LSM hook this policy uses sees it:
 * - signals the kernel generates itself: the OOM killer (which
 *   memory.max of the agent's cgroup, or /proc/PID/oom_score_adj, can
 *   point at it), RLIMIT_CPU set with prlimit(2), the death of the init
 *   of its pid namespace, and a terminal's signals to its foreground
 *   process group (a hangup, ^C, TIOCSIG on a pty master) if the agent
 *   has a controlling terminal;
 * - SIGIO and F_SETSIG signals of a file whose owner was set to the agent
 *   (fcntl(F_SETOWN)): file_send_sigiotask decides those, not task_kill;
 * - moving the agent into another cgroup (a frozen one, or one with a
 *   tiny memory.max) by writing its pid to that cgroup's cgroup.procs, and
 *   a cgroup v1 freezer hierarchy;
 * - slowing it down rather than stopping it: setpriority(2),
 *   sched_setscheduler(2), cpu.max of its cgroup;
 * - whatever runs in the kernel: kernel modules, BPF tracing programs
 *   (bpf_send_signal(), bpf_probe_write_user()), /dev/mem, and reboot.
 * The set is fixed at attach: processes the agent starts later are not
 * in it (name them in another attach, with another DIR), and a process
 * id is reused once its process is gone, so a set outlives its agent
 * only as a set of numbers (on the root cgroup, until reboot).
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/checmate.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "checmate_protect.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CGROOT "/sys/fs/cgroup"
#define CGROUP2_MAGIC 0x63677270

static const char *const pins[] = {
	"link_protect_kill", "link_protect_ptrace", "link_protect_file_open",
	"protected", "files", "counters",
};

static const __u32 sealed_hooks[] = {
	CHECMATE_HOOK_TASK_KILL, CHECMATE_HOOK_PTRACE_ACCESS_CHECK,
	CHECMATE_HOOK_FILE_OPEN,
};

static const char *const cgroup_files[] = {
	"cgroup.kill", "cgroup.freeze", "cgroup.procs",
};

static int print_usage(void)
{
	fprintf(stderr,
		"usage: checmate_protect attach [--at CGROUP] DIR AGENT_CGROUP PID...\n"
		"       checmate_protect list|stats|unpin DIR\n"
		"Denies signals (but 0), ptrace and /proc access to the PIDs, and\n"
		"writes to cgroup.kill, cgroup.freeze and cgroup.procs of AGENT_CGROUP\n"
		"and its ancestors, to every task under CGROUP (default the root)\n"
		"but the agent's; sealed append-only: it stays until CGROUP is\n"
		"removed, for the root until reboot. Not stopped: kernel-generated\n"
		"signals (OOM killer, RLIMIT_CPU via prlimit, a terminal's),\n"
		"F_SETOWN/F_SETSIG signals, moving the agent into a frozen cgroup\n"
		"(another cgroup's cgroup.procs), kernel modules, BPF tracing\n"
		"programs, reboot.\n");
	return 2;
}

/* Reports errno for @what; returns 1. */
static int fail(const char *what)
{
	fprintf(stderr, "checmate_protect: %s: %s\n", what, strerror(errno));
	return 1;
}

/* The process (thread group) of thread @pid, from /proc; 0 if none. */
static __u32 tgid_of(const char *pid)
{
	char path[64], line[128];
	unsigned int tgid = 0;
	char *end;
	FILE *f;

	strtoul(pid, &end, 10);
	if (!*pid || *end)
		return 0;
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %u", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

static int on_cgroup2(const char *path)
{
	struct statfs sf;

	return !statfs(path, &sf) && sf.f_type == CGROUP2_MAGIC;
}

/*
 * Puts cgroup.kill, cgroup.freeze and cgroup.procs of @cgroup and of each
 * of its ancestors in the files map (the root cgroup has only
 * cgroup.procs); returns the number of files, or -1.
 */
static int add_cgroup_files(int fd, const char *cgroup)
{
	char cur[PATH_MAX], tmp[PATH_MAX], parent[PATH_MAX];
	char path[PATH_MAX + 32];
	struct stat st, pst;
	__u8 one = 1;
	size_t i;
	int n = 0;

	if (!realpath(cgroup, cur)) {
		fail(cgroup);
		return -1;
	}
	if (!on_cgroup2(cur)) {
		fprintf(stderr, "checmate_protect: %s: not a cgroup2 directory\n",
			cur);
		return -1;
	}
	for (;;) {
		for (i = 0; i < ARRAY_SIZE(cgroup_files); i++) {
			struct protect_file f;

			snprintf(path, sizeof(path), "%s/%s", cur,
				 cgroup_files[i]);
			if (stat(path, &st)) {
				if (errno == ENOENT)
					continue;
				fail(path);
				return -1;
			}
			f.dev = (__u32)st.st_dev;
			f.ino = (__u32)st.st_ino;
			f.ino_hi = (__u32)((__u64)st.st_ino >> 32);
			if (bpf_map_update_elem(fd, &f, &one, BPF_ANY)) {
				fail(path);
				return -1;
			}
			n++;
		}
		/* Up to the root of the cgroup2 mount. */
		snprintf(tmp, sizeof(tmp), "%s", cur);
		snprintf(parent, sizeof(parent), "%s", dirname(tmp));
		if (!strcmp(parent, cur) || stat(cur, &st) ||
		    stat(parent, &pst) || pst.st_dev != st.st_dev ||
		    !on_cgroup2(parent))
			break;
		snprintf(cur, sizeof(cur), "%s", parent);
	}
	return n;
}

static int seal(int cgfd, __u32 hook)
{
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_SEAL, .cgroup_fd = cgfd, .hook = hook,
		.seals = CHECMATE_SEAL_APPEND_ONLY,
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.checmate_ctl.ctl = (__u64)(unsigned long)&ctl;
	attr.checmate_ctl.size = sizeof(ctl);
	return syscall(__NR_bpf, BPF_CHECMATE_CTL, &attr, sizeof(attr));
}

static int do_attach(const char *at, const char *dir, const char *agent_cg,
		     char **pids, int npids)
{
	char obj_path[PATH_MAX], path[PATH_MAX], exe[PATH_MAX];
	struct bpf_program *prog;
	struct bpf_map *map, *prot, *files;
	struct bpf_object *obj;
	int cgfd, i, nfiles;
	__u8 one = 1;
	size_t h;
	ssize_t len;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return 1;
	exe[len] = '\0';
	snprintf(obj_path, sizeof(obj_path), "%s/checmate_protect.bpf.o",
		 dirname(exe));
	cgfd = open(at, O_RDONLY | O_DIRECTORY);
	if (cgfd < 0)
		return fail(at);
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "checmate_protect: loading %s failed\n",
			obj_path);
		return 1;
	}
	prot = bpf_object__find_map_by_name(obj, "protected");
	files = bpf_object__find_map_by_name(obj, "files");
	if (!prot || !files)
		return 1;
	/* The maps, complete and frozen, before the programs take effect. */
	for (i = 0; i < npids; i++) {
		__u32 tgid = tgid_of(pids[i]);

		if (!tgid) {
			fprintf(stderr, "checmate_protect: %s: no such process\n",
				pids[i]);
			return 1;
		}
		if (bpf_map_update_elem(bpf_map__fd(prot), &tgid, &one,
					BPF_ANY))
			return fail(pids[i]);
	}
	nfiles = add_cgroup_files(bpf_map__fd(files), agent_cg);
	if (nfiles < 0)
		return 1;
	if (bpf_map_freeze(bpf_map__fd(prot)) ||
	    bpf_map_freeze(bpf_map__fd(files)))
		return fail("freezing the maps");
	if (mkdir(dir, 0700) && errno != EEXIST)
		return fail(dir);
	bpf_object__for_each_map(map, obj) {
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		if (bpf_map__pin(map, path))
			return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		struct bpf_link *link = bpf_program__attach_cgroup(prog, cgfd);

		if (!link) {
			fprintf(stderr, "checmate_protect: attach %s: %s\n",
				bpf_program__name(prog), strerror(errno));
			return 1;
		}
		snprintf(path, sizeof(path), "%s/link_%s", dir,
			 bpf_program__name(prog));
		if (bpf_link__pin(link, path))
			return 1;
	}
	for (h = 0; h < ARRAY_SIZE(sealed_hooks); h++)
		if (seal(cgfd, sealed_hooks[h]))
			return fail("sealing the hooks");
	printf("protecting %d process%s and %d cgroup files from tasks under %s",
	       npids, npids == 1 ? "" : "es", nfiles, at);
	printf(" (sealed append-only), pinned in %s\n", dir);
	return 0;
}

static int pinned_map(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		fail(path);
	return fd;
}

static int do_list(const char *dir)
{
	struct protect_file f, fnext;
	__u32 tgid, tnext;
	char path[64], comm[64];
	int pfd, ffd;
	void *prev;
	FILE *c;

	pfd = pinned_map(dir, "protected");
	ffd = pinned_map(dir, "files");
	if (pfd < 0 || ffd < 0)
		return 1;
	for (prev = NULL; !bpf_map_get_next_key(pfd, prev, &tnext);
	     prev = &tgid) {
		tgid = tnext;
		snprintf(path, sizeof(path), "/proc/%u/comm", tgid);
		c = fopen(path, "r");
		if (!c || !fgets(comm, sizeof(comm), c))
			snprintf(comm, sizeof(comm), "(gone)\n");
		if (c)
			fclose(c);
		printf("process %u %s", tgid, comm);
	}
	for (prev = NULL; !bpf_map_get_next_key(ffd, prev, &fnext);
	     prev = &f) {
		f = fnext;
		printf("file dev %u:%u ino %llu\n", major(f.dev), minor(f.dev),
		       (unsigned long long)f.ino |
		       (unsigned long long)f.ino_hi << 32);
	}
	close(pfd);
	close(ffd);
	return 0;
}

static int show_stats(const char *dir)
{
	static const char *const names[PROTECT_MAX] = {
		[PROTECT_TASK_KILL] = "task_kill",
		[PROTECT_PTRACE] = "ptrace_access_check",
		[PROTECT_FILE_OPEN] = "file_open",
	};
	int fd = pinned_map(dir, "counters");
	__u32 i;
	__u64 n;

	if (fd < 0)
		return 1;
	for (i = 0; i < PROTECT_MAX; i++) {
		if (bpf_map_lookup_elem(fd, &i, &n))
			continue;
		printf("%s %llu denied\n", names[i], (unsigned long long)n);
	}
	close(fd);
	return 0;
}

/* Only the pins go: the sealed programs, and their maps, stay. */
static int do_unpin(const char *dir)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pins); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pins[i]);
		if (unlink(path) && errno != ENOENT)
			return fail(path);
	}
	rmdir(dir);
	printf("unpinned %s: the programs stay until their cgroup is removed\n",
	       dir);
	return 0;
}

int main(int argc, char **argv)
{
	const char *at = CGROOT;
	int i = 2;

	if (argc < 3)
		return print_usage();
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (!strcmp(argv[1], "attach")) {
		if (argc > 3 && !strcmp(argv[2], "--at")) {
			at = argv[3];
			i = 4;
		}
		if (argc - i < 3)
			return print_usage();
		return do_attach(at, argv[i], argv[i + 1], argv + i + 2,
				 argc - i - 2);
	}
	if (!strcmp(argv[1], "list") && argc == 3)
		return do_list(argv[2]);
	if (!strcmp(argv[1], "stats") && argc == 3)
		return show_stats(argv[2]);
	if (!strcmp(argv[1], "unpin") && argc == 3)
		return do_unpin(argv[2]);
	return print_usage();
}
