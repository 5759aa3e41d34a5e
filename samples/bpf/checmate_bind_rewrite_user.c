// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: bind port rewrite loader
 *
 *   checmate_bind_rewrite attach CGROUP DIR PORT:HOSTPORT...
 *   checmate_bind_rewrite map DIR CGROUP PORT:HOSTPORT...   (live)
 *   checmate_bind_rewrite detach DIR
 *
 * attach loads the program, maps PORT to HOSTPORT for tasks of CGROUP and
 * attaches to CGROUP through a link pinned in DIR (a bpffs directory),
 * with the map, so that map can add mappings for the cgroup or its
 * children later.
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

#include "checmate_bind_rewrite.h"

static int print_usage(void)
{
	fprintf(stderr,
		"usage: checmate_bind_rewrite attach CGROUP DIR PORT:HOSTPORT...\n"
		"       checmate_bind_rewrite map DIR CGROUP PORT:HOSTPORT...\n"
		"       checmate_bind_rewrite detach DIR\n");
	return 2;
}

static int add_mappings(int map_fd, const char *cgroup, char **maps, int n)
{
	struct rewrite_key key = {};
	unsigned int port, host;
	struct stat st;
	int i;

	/* A cgroup v2 id is its directory's inode number. */
	if (stat(cgroup, &st)) {
		fprintf(stderr, "checmate_bind_rewrite: %s: %s\n", cgroup,
			strerror(errno));
		return 1;
	}
	key.cgroup_id = st.st_ino;
	for (i = 0; i < n; i++) {
		__u32 value;

		if (sscanf(maps[i], "%u:%u", &port, &host) != 2 ||
		    port > 65535 || host > 65535) {
			fprintf(stderr, "checmate_bind_rewrite: bad mapping '%s'\n",
				maps[i]);
			return 2;
		}
		key.port = port;
		value = host;
		if (bpf_map_update_elem(map_fd, &key, &value, BPF_ANY)) {
			fprintf(stderr, "checmate_bind_rewrite: %s: %s\n",
				maps[i], strerror(errno));
			return 1;
		}
		printf("%s: bind port %u -> %u\n", cgroup, port, host);
	}
	return 0;
}

static int do_attach(const char *cgroup, const char *dir, char **maps, int n)
{
	char obj_path[PATH_MAX], path[PATH_MAX], exe[PATH_MAX];
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map;
	ssize_t len;
	int cgfd, err;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return 1;
	exe[len] = '\0';
	snprintf(obj_path, sizeof(obj_path), "%s/checmate_bind_rewrite.bpf.o",
		 dirname(exe));
	cgfd = open(cgroup, O_RDONLY | O_DIRECTORY);
	if (cgfd < 0) {
		fprintf(stderr, "checmate_bind_rewrite: %s: %s\n", cgroup,
			strerror(errno));
		return 1;
	}
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "checmate_bind_rewrite: loading %s failed\n",
			obj_path);
		return 1;
	}
	map = bpf_object__find_map_by_name(obj, "ports");
	err = add_mappings(bpf_map__fd(map), cgroup, maps, n);
	if (err)
		return err;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return 1;
	snprintf(path, sizeof(path), "%s/ports", dir);
	if (bpf_map__pin(map, path))
		return 1;
	prog = bpf_object__find_program_by_name(obj, "bind_rewrite");
	link = bpf_program__attach_cgroup(prog, cgfd);
	if (!link) {
		fprintf(stderr, "checmate_bind_rewrite: attach: %s\n",
			strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/link", dir);
	return bpf_link__pin(link, path) ? 1 : 0;
}

int main(int argc, char **argv)
{
	char path[PATH_MAX];
	int fd;

	if (argc >= 5 && !strcmp(argv[1], "attach"))
		return do_attach(argv[2], argv[3], argv + 4, argc - 4);
	if (argc >= 5 && !strcmp(argv[1], "map")) {
		snprintf(path, sizeof(path), "%s/ports", argv[2]);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			fprintf(stderr, "checmate_bind_rewrite: %s: %s\n", path,
				strerror(errno));
			return 1;
		}
		return add_mappings(fd, argv[3], argv + 4, argc - 4);
	}
	if (argc == 3 && !strcmp(argv[1], "detach")) {
		snprintf(path, sizeof(path), "%s/link", argv[2]);
		unlink(path);
		snprintf(path, sizeof(path), "%s/ports", argv[2]);
		unlink(path);
		rmdir(argv[2]);
		return 0;
	}
	return print_usage();
}
