// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: exec allowlist loader
 *
 *   checmate_exec_allow attach CGROUP DIR [--learn] [FILE...]
 *   checmate_exec_allow allow DIR FILE...       (live: no reload)
 *   checmate_exec_allow revoke DIR FILE...
 *   checmate_exec_allow learn DIR on|off
 *   checmate_exec_allow list|denials|stats|detach DIR
 *
 * Tasks of CGROUP may only execute the files in the allowlist, which holds
 * files by device and inode number: allow stat(2)s each FILE (following
 * symbolic links: allowing /bin/sh allows the file it points to). With
 * --learn, or after "learn DIR on", every file executed in CGROUP is added
 * to the list and allowed; "learn DIR off" enforces the list. attach pins
 * the links and maps in DIR (a bpffs directory), so the policy outlives
 * the loader and later calls update it.
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "checmate_exec_allow.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const pins[] = {
	"link_exec_allow", "link_exec_map_allow", "config", "allowed",
	"denials", "counters",
};

static int print_usage(void)
{
	fprintf(stderr,
		"usage: checmate_exec_allow attach CGROUP DIR [--learn] [FILE...]\n"
		"       checmate_exec_allow allow|revoke DIR FILE...\n"
		"       checmate_exec_allow learn DIR on|off\n"
		"       checmate_exec_allow list|denials|stats|detach DIR\n");
	return 2;
}

static int pinned_map(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		fprintf(stderr, "checmate_exec_allow: %s: no pinned policy: %s\n",
			path, strerror(errno));
	return fd;
}

/* The key of a file: st_dev as the kernel encodes it, st_ino in halves. */
static struct exec_id file_id(const struct stat *st)
{
	struct exec_id id = {
		.dev = (__u32)st->st_dev,
		.ino = (__u32)st->st_ino,
		.ino_hi = (__u32)((__u64)st->st_ino >> 32),
	};

	return id;
}

static int update_files(int fd, char **files, int n, int revoke)
{
	struct exec_id id;
	struct stat st;
	__u8 one = 1;
	int i, err = 0;

	for (i = 0; i < n; i++) {
		if (stat(files[i], &st)) {
			fprintf(stderr, "checmate_exec_allow: %s: %s\n",
				files[i], strerror(errno));
			err = 1;
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			fprintf(stderr,
				"checmate_exec_allow: %s: not a regular file\n",
				files[i]);
			err = 1;
			continue;
		}
		id = file_id(&st);
		if (revoke ? bpf_map_delete_elem(fd, &id) :
			     bpf_map_update_elem(fd, &id, &one, BPF_ANY)) {
			fprintf(stderr, "checmate_exec_allow: %s %s: %s\n",
				revoke ? "revoke" : "allow", files[i],
				strerror(errno));
			err = 1;
		}
	}
	return err;
}

static int do_update(const char *dir, char **files, int n, int revoke)
{
	int fd = pinned_map(dir, "allowed"), err;

	if (fd < 0)
		return 1;
	err = update_files(fd, files, n, revoke);
	close(fd);
	return err;
}

static int set_learn(int fd, __u32 learn)
{
	struct exec_config cfg = { .learn = learn };
	__u32 zero = 0;

	if (bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY)) {
		fprintf(stderr, "checmate_exec_allow: config: %s\n",
			strerror(errno));
		return 1;
	}
	return 0;
}

static int do_learn(const char *dir, const char *mode)
{
	int fd, err;

	if (strcmp(mode, "on") && strcmp(mode, "off"))
		return print_usage();
	fd = pinned_map(dir, "config");
	if (fd < 0)
		return 1;
	err = set_learn(fd, !strcmp(mode, "on"));
	close(fd);
	return err;
}

static int do_attach(const char *cgroup, const char *dir, char **args, int n)
{
	char obj_path[PATH_MAX], path[PATH_MAX], exe[PATH_MAX];
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;
	struct bpf_link *link;
	__u32 learn = 0;
	ssize_t len;
	int cgfd;

	if (n && !strcmp(args[0], "--learn")) {
		learn = 1;
		args++;
		n--;
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return 1;
	exe[len] = '\0';
	snprintf(obj_path, sizeof(obj_path), "%s/checmate_exec_allow.bpf.o",
		 dirname(exe));
	cgfd = open(cgroup, O_RDONLY | O_DIRECTORY);
	if (cgfd < 0) {
		fprintf(stderr, "checmate_exec_allow: %s: %s\n", cgroup,
			strerror(errno));
		return 1;
	}
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "checmate_exec_allow: loading %s failed\n",
			obj_path);
		return 1;
	}
	/* Mode and files first, so the policy is complete when it acts. */
	map = bpf_object__find_map_by_name(obj, "config");
	if (!map || set_learn(bpf_map__fd(map), learn))
		return 1;
	map = bpf_object__find_map_by_name(obj, "allowed");
	if (!map || (n && update_files(bpf_map__fd(map), args, n, 0)))
		return 1;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "checmate_exec_allow: %s: %s\n", dir,
			strerror(errno));
		return 1;
	}
	bpf_object__for_each_map(map, obj) {
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		if (bpf_map__pin(map, path))
			return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		link = bpf_program__attach_cgroup(prog, cgfd);
		if (!link) {
			fprintf(stderr, "checmate_exec_allow: attach %s: %s\n",
				bpf_program__name(prog), strerror(errno));
			return 1;
		}
		snprintf(path, sizeof(path), "%s/link_%s", dir,
			 bpf_program__name(prog));
		if (bpf_link__pin(link, path))
			return 1;
	}
	printf("exec allowlist (%s) on %s, pinned in %s\n",
	       learn ? "learning" : "enforcing", cgroup, dir);
	return 0;
}

static int show_list(const char *dir)
{
	struct exec_id key, next, *prev = NULL;
	int fd = pinned_map(dir, "allowed");

	if (fd < 0)
		return 1;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		printf("dev %u:%u ino %llu\n", major(key.dev), minor(key.dev),
		       (unsigned long long)key.ino_hi << 32 | key.ino);
	}
	close(fd);
	return 0;
}

static int show_denials(const char *dir)
{
	struct exec_id key, next, *prev = NULL;
	struct exec_denial d;
	int fd = pinned_map(dir, "denials");

	if (fd < 0)
		return 1;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &d))
			continue;
		d.comm[sizeof(d.comm) - 1] = '\0';
		d.path[sizeof(d.path) - 1] = '\0';
		printf("%s%s (dev %u:%u ino %llu): %llu denied, first to %.16s uid %u\n",
		       d.path[0] ? d.path : "?", d.interp ? " (interpreter)" : "",
		       major(key.dev), minor(key.dev),
		       (unsigned long long)key.ino_hi << 32 | key.ino,
		       (unsigned long long)d.count, d.comm, d.uid);
	}
	close(fd);
	return 0;
}

static int show_stats(const char *dir)
{
	static const char *const names[EXEC_CNT_MAX] = {
		[EXEC_CNT_ALLOWED] = "allowed",
		[EXEC_CNT_LEARNED] = "learned",
		[EXEC_CNT_DENIED] = "denied",
		[EXEC_CNT_FULL] = "not learned (list full)",
	};
	struct exec_config cfg = {};
	int fd, cfd;
	__u32 i;
	__u64 n;

	fd = pinned_map(dir, "counters");
	cfd = pinned_map(dir, "config");
	if (fd < 0 || cfd < 0)
		return 1;
	i = 0;
	bpf_map_lookup_elem(cfd, &i, &cfg);
	printf("mode %s\n", cfg.learn ? "learn" : "enforce");
	for (i = 0; i < EXEC_CNT_MAX; i++) {
		if (bpf_map_lookup_elem(fd, &i, &n))
			continue;
		printf("%s %llu\n", names[i], (unsigned long long)n);
	}
	close(fd);
	close(cfd);
	return 0;
}

static int do_detach(const char *dir)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pins); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pins[i]);
		if (unlink(path) && errno != ENOENT) {
			fprintf(stderr, "checmate_exec_allow: %s: %s\n", path,
				strerror(errno));
			return 1;
		}
	}
	rmdir(dir);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return print_usage();
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (!strcmp(argv[1], "attach") && argc >= 4)
		return do_attach(argv[2], argv[3], argv + 4, argc - 4);
	if (!strcmp(argv[1], "allow") && argc >= 4)
		return do_update(argv[2], argv + 3, argc - 3, 0);
	if (!strcmp(argv[1], "revoke") && argc >= 4)
		return do_update(argv[2], argv + 3, argc - 3, 1);
	if (!strcmp(argv[1], "learn") && argc == 4)
		return do_learn(argv[2], argv[3]);
	if (!strcmp(argv[1], "list") && argc == 3)
		return show_list(argv[2]);
	if (!strcmp(argv[1], "denials") && argc == 3)
		return show_denials(argv[2]);
	if (!strcmp(argv[1], "stats") && argc == 3)
		return show_stats(argv[2]);
	if (!strcmp(argv[1], "detach") && argc == 3)
		return do_detach(argv[2]);
	return print_usage();
}
