// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: egress allowlist loader
 *
 *   checmate_egress attach CGROUP DIR [RULE...]
 *   checmate_egress allow DIR RULE...      (live: no reload)
 *   checmate_egress revoke DIR RULE...
 *   checmate_egress denials DIR
 *   checmate_egress detach DIR
 *
 * RULE is ADDR[/PREFIX][,PORT[-PORT]], e.g. 10.0.0.0/8,443 or
 * ::1/128,8000-8100. attach pins the links and maps in DIR (a bpffs
 * directory), so the policy outlives the loader and later calls update it.
 */

#include <arpa/inet.h>
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

#include "checmate_egress.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int print_usage(void)
{
	fprintf(stderr,
		"usage: checmate_egress attach CGROUP DIR [RULE...]\n"
		"       checmate_egress allow|revoke DIR RULE...\n"
		"       checmate_egress denials|detach DIR\n"
		"RULE: ADDR[/PREFIX][,PORT[-PORT]]\n");
	return 2;
}

/* Parses RULE into an LPM key (4 or 6) and ports; returns the family. */
static int parse_rule(const char *rule, struct egress_key4 *k4,
		      struct egress_key6 *k6, struct egress_ports *ports)
{
	char buf[128], *comma, *slash;
	int family, max;
	long prefix;

	snprintf(buf, sizeof(buf), "%s", rule);
	memset(ports, 0, sizeof(*ports));
	comma = strchr(buf, ',');
	if (comma) {
		unsigned long first, last;
		char *end;

		*comma++ = '\0';
		first = strtoul(comma, &end, 10);
		last = first;
		if (*end == '-')
			last = strtoul(end + 1, &end, 10);
		if (end == comma || *end || !last || last > 65535 ||
		    first > last)
			return -1;
		ports->first = first;
		ports->last = last;
	}
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &k4->addr) == 1) {
		family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, k6->addr) == 1) {
		family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	prefix = slash ? strtol(slash, NULL, 10) : max;
	if (prefix < 0 || prefix > max)
		return -1;
	k4->prefixlen = prefix;
	k6->prefixlen = prefix;
	return family;
}

static int update_rules(const char *dir, char **rules, int n, int delete)
{
	char path[PATH_MAX];
	int fd4, fd6, i, err = 0;

	snprintf(path, sizeof(path), "%s/allow4", dir);
	fd4 = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/allow6", dir);
	fd6 = bpf_obj_get(path);
	if (fd4 < 0 || fd6 < 0) {
		fprintf(stderr, "checmate_egress: %s: no pinned policy: %s\n",
			dir, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct egress_key4 k4;
		struct egress_key6 k6;
		struct egress_ports ports;
		int family = parse_rule(rules[i], &k4, &k6, &ports);
		int fd = family == AF_INET ? fd4 : fd6;
		void *key = family == AF_INET ? (void *)&k4 : (void *)&k6;

		if (family < 0) {
			fprintf(stderr, "checmate_egress: bad rule '%s'\n",
				rules[i]);
			return 2;
		}
		if (delete ? bpf_map_delete_elem(fd, key) :
			     bpf_map_update_elem(fd, key, &ports, BPF_ANY)) {
			fprintf(stderr, "checmate_egress: %s %s: %s\n",
				delete ? "revoke" : "allow", rules[i],
				strerror(errno));
			err = 1;
		}
	}
	close(fd4);
	close(fd6);
	return err;
}

static int do_attach(const char *cgroup, const char *dir, char **rules, int n)
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
	snprintf(obj_path, sizeof(obj_path), "%s/checmate_egress.bpf.o",
		 dirname(exe));
	cgfd = open(cgroup, O_RDONLY | O_DIRECTORY);
	if (cgfd < 0) {
		fprintf(stderr, "checmate_egress: %s: %s\n", cgroup,
			strerror(errno));
		return 1;
	}
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "checmate_egress: loading %s failed\n", obj_path);
		return 1;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "checmate_egress: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	bpf_object__for_each_map(map, obj) {
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		if (bpf_map__pin(map, path))
			return 1;
	}
	/* Rules first, so the policy is complete when it takes effect. */
	if (n && update_rules(dir, rules, n, 0))
		return 1;
	bpf_object__for_each_program(prog, obj) {
		struct bpf_link *link = bpf_program__attach_cgroup(prog, cgfd);

		if (!link) {
			fprintf(stderr, "checmate_egress: attach %s: %s\n",
				bpf_program__name(prog), strerror(errno));
			return 1;
		}
		snprintf(path, sizeof(path), "%s/link_%s", dir,
			 bpf_program__name(prog));
		if (bpf_link__pin(link, path))
			return 1;
	}
	printf("egress policy on %s, pinned in %s\n", cgroup, dir);
	return 0;
}

static int show_denials(const char *dir)
{
	struct egress_dest key, next;
	char path[PATH_MAX], addr[INET6_ADDRSTRLEN];
	void *prev = NULL;
	__u64 count;
	int fd;

	snprintf(path, sizeof(path), "%s/denials", dir);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fprintf(stderr, "checmate_egress: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &count))
			continue;
		inet_ntop(key.family == EGRESS_AF_INET ? AF_INET : AF_INET6,
			  key.addr, addr, sizeof(addr));
		printf("%s port %u: %llu denied\n", addr, key.port,
		       (unsigned long long)count);
	}
	close(fd);
	return 0;
}

static int do_detach(const char *dir)
{
	static const char *const names[] = {
		"link_egress_connect", "link_egress_sendmsg",
		"link_egress_socket", "allow4",
		"allow6", "denials",
	};
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (unlink(path) && errno != ENOENT) {
			fprintf(stderr, "checmate_egress: %s: %s\n", path,
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
		return update_rules(argv[2], argv + 3, argc - 3, 0);
	if (!strcmp(argv[1], "revoke") && argc >= 4)
		return update_rules(argv[2], argv + 3, argc - 3, 1);
	if (!strcmp(argv[1], "denials") && argc == 3)
		return show_denials(argv[2]);
	if (!strcmp(argv[1], "detach") && argc == 3)
		return do_detach(argv[2]);
	return print_usage();
}
