// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: no mount operations loader
 *
 *   checmate_no_mount attach CGROUP DIR [--chroot]
 *   checmate_no_mount stats DIR
 *   checmate_no_mount detach DIR
 *
 * attach denies mount(2), move_mount(2), umount(2), file system
 * reconfiguration and pivot_root(2) (and with --chroot, chroot(2)) to the
 * tasks of CGROUP, and pins the links and maps in DIR (a bpffs directory),
 * so the policy outlives the loader. stats shows the denials per hook.
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

#include "checmate_no_mount.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const hooks[NO_MOUNT_MAX] = {
	[NO_MOUNT_SB_MOUNT] = "sb_mount",
	[NO_MOUNT_MOVE_MOUNT] = "move_mount",
	[NO_MOUNT_SB_UMOUNT] = "sb_umount",
	[NO_MOUNT_SB_REMOUNT] = "sb_remount",
	[NO_MOUNT_SB_PIVOTROOT] = "sb_pivotroot",
	[NO_MOUNT_PATH_CHROOT] = "path_chroot",
};

static const char *const pins[] = {
	"link_no_mount_sb_mount", "link_no_mount_move_mount",
	"link_no_mount_sb_umount", "link_no_mount_sb_remount",
	"link_no_mount_sb_pivotroot", "link_no_mount_path_chroot",
	"config", "counters",
};

static int print_usage(void)
{
	fprintf(stderr,
		"usage: checmate_no_mount attach CGROUP DIR [--chroot]\n"
		"       checmate_no_mount stats|detach DIR\n");
	return 2;
}

static int do_attach(const char *cgroup, const char *dir, int chroot)
{
	char obj_path[PATH_MAX], path[PATH_MAX], exe[PATH_MAX];
	struct no_mount_config cfg = { .chroot = chroot };
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;
	__u32 zero = 0;
	ssize_t len;
	int cgfd;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return 1;
	exe[len] = '\0';
	snprintf(obj_path, sizeof(obj_path), "%s/checmate_no_mount.bpf.o",
		 dirname(exe));
	cgfd = open(cgroup, O_RDONLY | O_DIRECTORY);
	if (cgfd < 0) {
		fprintf(stderr, "checmate_no_mount: %s: %s\n", cgroup,
			strerror(errno));
		return 1;
	}
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "checmate_no_mount: loading %s failed\n",
			obj_path);
		return 1;
	}
	map = bpf_object__find_map_by_name(obj, "config");
	if (!map || bpf_map_update_elem(bpf_map__fd(map), &zero, &cfg,
					BPF_ANY)) {
		fprintf(stderr, "checmate_no_mount: config: %s\n",
			strerror(errno));
		return 1;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "checmate_no_mount: %s: %s\n", dir,
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
			fprintf(stderr, "checmate_no_mount: attach %s: %s\n",
				bpf_program__name(prog), strerror(errno));
			return 1;
		}
		snprintf(path, sizeof(path), "%s/link_%s", dir,
			 bpf_program__name(prog));
		if (bpf_link__pin(link, path))
			return 1;
	}
	printf("no mounts%s on %s, pinned in %s\n",
	       chroot ? " nor chroot" : "", cgroup, dir);
	return 0;
}

static int show_stats(const char *dir)
{
	char path[PATH_MAX];
	__u32 i;
	__u64 n;
	int fd;

	snprintf(path, sizeof(path), "%s/counters", dir);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fprintf(stderr, "checmate_no_mount: %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	for (i = 0; i < NO_MOUNT_MAX; i++) {
		if (bpf_map_lookup_elem(fd, &i, &n))
			continue;
		printf("%s %llu denied\n", hooks[i], (unsigned long long)n);
	}
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
			fprintf(stderr, "checmate_no_mount: %s: %s\n", path,
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
	if (!strcmp(argv[1], "attach") && argc == 4)
		return do_attach(argv[2], argv[3], 0);
	if (!strcmp(argv[1], "attach") && argc == 5 &&
	    !strcmp(argv[4], "--chroot"))
		return do_attach(argv[2], argv[3], 1);
	if (!strcmp(argv[1], "stats") && argc == 3)
		return show_stats(argv[2]);
	if (!strcmp(argv[1], "detach") && argc == 3)
		return do_detach(argv[2]);
	return print_usage();
}
