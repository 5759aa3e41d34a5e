// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: Yama's ptrace_scope per cgroup, loader
 *
 *   checmate_ptrace_scope attach CGROUP DIR LEVEL
 *   checmate_ptrace_scope set DIR LEVEL        (live: no reload)
 *   checmate_ptrace_scope stats DIR
 *   checmate_ptrace_scope detach DIR
 *
 * LEVEL is Yama's kernel.yama.ptrace_scope, for the tasks of CGROUP:
 * 1 attach only to descendants (or with CAP_SYS_PTRACE), 2 only with
 * CAP_SYS_PTRACE, 3 no attach at all. Only PTRACE_MODE_ATTACH accesses
 * are restricted (ptrace attach, /proc/PID/mem, process_vm_readv/writev,
 * pidfd_getfd), with EPERM. Yama's PR_SET_PTRACER exceptions are not
 * supported: at level 1 a tracer that is not an ancestor of its target
 * is refused even if the target named it. attach pins the links and maps
 * in DIR (a bpffs directory), so the policy outlives the loader; set
 * changes the level either way (unlike Yama's level 3, which is final:
 * whoever may write the pinned config map, root, changes it).
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "checmate_ptrace_scope.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const pins[] = {
	"link_ptrace_scope_attach", "link_ptrace_scope_traceme", "config",
	"counters",
};

static int print_usage(void)
{
	fprintf(stderr,
		"usage: checmate_ptrace_scope attach CGROUP DIR LEVEL\n"
		"       checmate_ptrace_scope set DIR LEVEL\n"
		"       checmate_ptrace_scope stats|detach DIR\n"
		"LEVEL: 1 descendants only, 2 CAP_SYS_PTRACE only, 3 no attach\n"
		"(Yama's PR_SET_PTRACER exceptions are not supported)\n");
	return 2;
}

/* LEVEL as a number from 1 to 3, or 0 if it is not one. */
static __u32 parse_level(const char *s)
{
	if (strlen(s) != 1 || s[0] < '1' || s[0] > '3')
		return 0;
	return s[0] - '0';
}

static int set_level(int fd, __u32 level)
{
	struct ptrace_scope_config cfg = { .level = level };
	__u32 zero = 0;

	if (bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY)) {
		fprintf(stderr, "checmate_ptrace_scope: config: %s\n",
			strerror(errno));
		return 1;
	}
	return 0;
}

static int pinned_map(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		fprintf(stderr,
			"checmate_ptrace_scope: %s: no pinned policy: %s\n",
			path, strerror(errno));
	return fd;
}

static int do_attach(const char *cgroup, const char *dir, __u32 level)
{
	char obj_path[PATH_MAX], path[PATH_MAX], exe[PATH_MAX];
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;
	ssize_t len;
	int cgfd;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return 1;
	exe[len] = '\0';
	snprintf(obj_path, sizeof(obj_path), "%s/checmate_ptrace_scope.bpf.o",
		 dirname(exe));
	cgfd = open(cgroup, O_RDONLY | O_DIRECTORY);
	if (cgfd < 0) {
		fprintf(stderr, "checmate_ptrace_scope: %s: %s\n", cgroup,
			strerror(errno));
		return 1;
	}
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "checmate_ptrace_scope: loading %s failed\n",
			obj_path);
		return 1;
	}
	/* The level first, so the policy is complete when it takes effect. */
	map = bpf_object__find_map_by_name(obj, "config");
	if (!map || set_level(bpf_map__fd(map), level))
		return 1;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "checmate_ptrace_scope: %s: %s\n", dir,
			strerror(errno));
		return 1;
	}
	bpf_object__for_each_map(map, obj) {
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		if (bpf_map__pin(map, path))
			return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		struct bpf_link *link = bpf_program__attach_cgroup(prog, cgfd);

		if (!link) {
			fprintf(stderr,
				"checmate_ptrace_scope: attach %s: %s\n",
				bpf_program__name(prog), strerror(errno));
			return 1;
		}
		snprintf(path, sizeof(path), "%s/link_%s", dir,
			 bpf_program__name(prog));
		if (bpf_link__pin(link, path))
			return 1;
	}
	printf("ptrace_scope %u on %s, pinned in %s\n", level, cgroup, dir);
	return 0;
}

static int do_set(const char *dir, __u32 level)
{
	int fd = pinned_map(dir, "config"), err;

	if (fd < 0)
		return 1;
	err = set_level(fd, level);
	close(fd);
	return err;
}

static int show_stats(const char *dir)
{
	static const char *const names[PTRACE_SCOPE_MAX] = {
		[PTRACE_SCOPE_ATTACH_DENIED] = "attach",
		[PTRACE_SCOPE_TRACEME_DENIED] = "traceme",
	};
	struct ptrace_scope_config cfg;
	int cfd, fd;
	__u32 i;
	__u64 n;

	cfd = pinned_map(dir, "config");
	if (cfd < 0)
		return 1;
	fd = pinned_map(dir, "counters");
	if (fd < 0)
		return 1;
	i = 0;
	if (!bpf_map_lookup_elem(cfd, &i, &cfg))
		printf("level %u\n", cfg.level ? cfg.level :
						 PTRACE_SCOPE_RELATIONAL);
	for (i = 0; i < PTRACE_SCOPE_MAX; i++) {
		if (bpf_map_lookup_elem(fd, &i, &n))
			continue;
		printf("%s %llu denied\n", names[i], (unsigned long long)n);
	}
	close(cfd);
	close(fd);
	return 0;
}

static int do_detach(const char *dir)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pins); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pins[i]);
		if (unlink(path) && errno != ENOENT) {
			fprintf(stderr, "checmate_ptrace_scope: %s: %s\n", path,
				strerror(errno));
			return 1;
		}
	}
	rmdir(dir);
	return 0;
}

int main(int argc, char **argv)
{
	__u32 level;

	if (argc < 3)
		return print_usage();
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (!strcmp(argv[1], "attach") && argc == 5) {
		level = parse_level(argv[4]);
		return level ? do_attach(argv[2], argv[3], level) :
			       print_usage();
	}
	if (!strcmp(argv[1], "set") && argc == 4) {
		level = parse_level(argv[3]);
		return level ? do_set(argv[2], level) : print_usage();
	}
	if (!strcmp(argv[1], "stats") && argc == 3)
		return show_stats(argv[2]);
	if (!strcmp(argv[1], "detach") && argc == 3)
		return do_detach(argv[2]);
	return print_usage();
}
