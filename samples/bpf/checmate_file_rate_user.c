// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: file creation rate limit loader
 *
 *   checmate_file_rate attach CGROUP DIR RATE [BURST]
 *   checmate_file_rate set DIR RATE [BURST]      (live: no reload)
 *   checmate_file_rate stats DIR
 *   checmate_file_rate detach DIR
 *
 * Each cgroup under CGROUP may create RATE names per second, BURST (by
 * default RATE) at once; creations past the limit fail with EDQUOT. attach
 * pins the links and maps in DIR (a bpffs directory), so the policy
 * outlives the loader and later calls update it. Run the loader from
 * outside CGROUP: pinning creates names in DIR, which the policy counts.
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

#include "checmate_file_rate.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const pins[] = {
	"link_file_rate_mknod", "link_file_rate_mkdir",
	"link_file_rate_symlink", "link_file_rate_link",
	"config", "buckets", "nobucket",
};

static int print_usage(void)
{
	fprintf(stderr,
		"usage: checmate_file_rate attach CGROUP DIR RATE [BURST]\n"
		"       checmate_file_rate set DIR RATE [BURST]\n"
		"       checmate_file_rate stats|detach DIR\n"
		"RATE: creations per second, BURST: at once (1 to %d)\n",
		FILE_RATE_MAX);
	return 2;
}

/* Parses a rate or a burst, 1 to FILE_RATE_MAX; 0 if it is not one. */
static __u32 parse_limit(const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || !v || v > FILE_RATE_MAX)
		return 0;
	return v;
}

/* Fills @cfg from RATE [BURST]; 0, or 2 (usage) on a bad value. */
static int parse_config(char **args, int n, struct file_rate_config *cfg)
{
	if (n < 1 || n > 2)
		return print_usage();
	cfg->rate = parse_limit(args[0]);
	cfg->burst = n == 2 ? parse_limit(args[1]) : cfg->rate;
	if (!cfg->rate || !cfg->burst) {
		fprintf(stderr, "checmate_file_rate: bad limit '%s%s%s'\n",
			args[0], n == 2 ? " " : "", n == 2 ? args[1] : "");
		return 2;
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
		fprintf(stderr, "checmate_file_rate: %s: no pinned policy: %s\n",
			path, strerror(errno));
	return fd;
}

static int do_set(const char *dir, char **args, int n)
{
	struct file_rate_config cfg;
	__u32 zero = 0;
	int fd, err;

	err = parse_config(args, n, &cfg);
	if (err)
		return err;
	fd = pinned_map(dir, "config");
	if (fd < 0)
		return 1;
	err = bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY);
	if (err)
		fprintf(stderr, "checmate_file_rate: set: %s\n", strerror(errno));
	close(fd);
	return err ? 1 : 0;
}

static int do_attach(const char *cgroup, const char *dir, char **args, int n)
{
	char obj_path[PATH_MAX], path[PATH_MAX], exe[PATH_MAX];
	struct file_rate_config cfg;
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;
	__u32 zero = 0;
	ssize_t len;
	int cgfd, err;

	err = parse_config(args, n, &cfg);
	if (err)
		return err;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return 1;
	exe[len] = '\0';
	snprintf(obj_path, sizeof(obj_path), "%s/checmate_file_rate.bpf.o",
		 dirname(exe));
	cgfd = open(cgroup, O_RDONLY | O_DIRECTORY);
	if (cgfd < 0) {
		fprintf(stderr, "checmate_file_rate: %s: %s\n", cgroup,
			strerror(errno));
		return 1;
	}
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "checmate_file_rate: loading %s failed\n",
			obj_path);
		return 1;
	}
	/* The limit first, so the policy is complete when it takes effect. */
	map = bpf_object__find_map_by_name(obj, "config");
	if (!map || bpf_map_update_elem(bpf_map__fd(map), &zero, &cfg,
					BPF_ANY)) {
		fprintf(stderr, "checmate_file_rate: config: %s\n",
			strerror(errno));
		return 1;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "checmate_file_rate: %s: %s\n", dir,
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
			fprintf(stderr, "checmate_file_rate: attach %s: %s\n",
				bpf_program__name(prog), strerror(errno));
			return 1;
		}
		snprintf(path, sizeof(path), "%s/link_%s", dir,
			 bpf_program__name(prog));
		if (bpf_link__pin(link, path))
			return 1;
	}
	printf("file creation limit %u/s (burst %u) on %s, pinned in %s\n",
	       cfg.rate, cfg.burst, cgroup, dir);
	return 0;
}

static int show_stats(const char *dir)
{
	struct file_rate_bucket b;
	struct file_rate_config cfg;
	__u64 key, next, *prev = NULL, n;
	__u32 zero = 0;
	int fd, cfd, nfd;

	cfd = pinned_map(dir, "config");
	fd = pinned_map(dir, "buckets");
	nfd = pinned_map(dir, "nobucket");
	if (cfd < 0 || fd < 0 || nfd < 0)
		return 1;
	if (!bpf_map_lookup_elem(cfd, &zero, &cfg))
		printf("limit %u/s burst %u\n", cfg.rate, cfg.burst);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		/* BPF_F_LOCK: the counters as the programs left them. */
		if (bpf_map_lookup_elem_flags(fd, &key, &b, BPF_F_LOCK))
			continue;
		printf("cgroup %llu: %llu allowed, %llu denied\n",
		       (unsigned long long)key,
		       (unsigned long long)b.allowed,
		       (unsigned long long)b.denied);
	}
	if (!bpf_map_lookup_elem(nfd, &zero, &n) && n)
		printf("no bucket (map full): %llu denied\n",
		       (unsigned long long)n);
	close(cfd);
	close(fd);
	close(nfd);
	return 0;
}

static int do_detach(const char *dir)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pins); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pins[i]);
		if (unlink(path) && errno != ENOENT) {
			fprintf(stderr, "checmate_file_rate: %s: %s\n", path,
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
	if (!strcmp(argv[1], "attach") && argc >= 5)
		return do_attach(argv[2], argv[3], argv + 4, argc - 4);
	if (!strcmp(argv[1], "set") && argc >= 4)
		return do_set(argv[2], argv + 3, argc - 3);
	if (!strcmp(argv[1], "stats") && argc == 3)
		return show_stats(argv[2]);
	if (!strcmp(argv[1], "detach") && argc == 3)
		return do_detach(argv[2]);
	return print_usage();
}
