// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: ingress allowlist of peers, loader
 *
 *   checmate_udp_ingress attach CGROUP DIR [--allow CIDR]...
 *   checmate_udp_ingress allow DIR CIDR...      (live: no reload)
 *   checmate_udp_ingress revoke DIR CIDR...
 *   checmate_udp_ingress denials DIR
 *   checmate_udp_ingress detach DIR
 *
 * The UDP sockets of CGROUP (those its tasks create) only receive
 * datagrams from the peers in the allowlist, and its TCP listeners only
 * connection requests from them; anything else is dropped and counted per
 * peer. CIDR is ADDR[/PREFIX], IPv4 or IPv6 (10.0.0.0/8, ::1, fd00::/8);
 * without a prefix, the address alone. attach pins the links and maps in
 * DIR (a bpffs directory), so the policy outlives the loader and later
 * calls update it.
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

#include "checmate_udp_ingress.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const pins[] = {
	"link_udp_ingress_rcv", "link_udp_ingress_conn", "allow4", "allow6",
	"denials",
};

static int print_usage(void)
{
	fprintf(stderr,
		"usage: checmate_udp_ingress attach CGROUP DIR [--allow CIDR]...\n"
		"       checmate_udp_ingress allow|revoke DIR CIDR...\n"
		"       checmate_udp_ingress denials|detach DIR\n"
		"CIDR: ADDR[/PREFIX], IPv4 or IPv6\n");
	return 2;
}

/* Clears the bits of @addr (@len bytes) past @prefix. */
static void mask(unsigned char *addr, int len, int prefix)
{
	int i;

	for (i = 0; i < len; i++) {
		int bits = prefix - 8 * i;

		if (bits <= 0)
			addr[i] = 0;
		else if (bits < 8)
			addr[i] &= 0xff << (8 - bits);
	}
}

/* Parses CIDR into an LPM key (4 or 6); returns the family, or -1. */
static int parse_cidr(const char *cidr, struct ingress_key4 *k4,
		      struct ingress_key6 *k6)
{
	char buf[128], *slash, *end;
	int family, max;
	long prefix;

	snprintf(buf, sizeof(buf), "%s", cidr);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(k4, 0, sizeof(*k4));
	memset(k6, 0, sizeof(*k6));
	if (inet_pton(AF_INET, buf, &k4->addr) == 1) {
		family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, k6->addr) == 1) {
		family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	prefix = max;
	if (slash) {
		prefix = strtol(slash, &end, 10);
		if (end == slash || *end)
			return -1;
	}
	if (prefix < 0 || prefix > max)
		return -1;
	mask(family == AF_INET ? (unsigned char *)&k4->addr :
				 (unsigned char *)k6->addr, max / 8, prefix);
	k4->prefixlen = prefix;
	k6->prefixlen = prefix;
	return family;
}

static int update_rules(const char *dir, char **cidrs, int n, int revoke)
{
	char path[PATH_MAX];
	int fd4, fd6, i, err = 0;
	__u8 one = 1;

	snprintf(path, sizeof(path), "%s/allow4", dir);
	fd4 = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/allow6", dir);
	fd6 = bpf_obj_get(path);
	if (fd4 < 0 || fd6 < 0) {
		fprintf(stderr, "checmate_udp_ingress: %s: no pinned policy: %s\n",
			dir, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct ingress_key4 k4;
		struct ingress_key6 k6;
		int family = parse_cidr(cidrs[i], &k4, &k6);
		int fd = family == AF_INET ? fd4 : fd6;
		void *key = family == AF_INET ? (void *)&k4 : (void *)&k6;

		if (family < 0) {
			fprintf(stderr, "checmate_udp_ingress: bad CIDR '%s'\n",
				cidrs[i]);
			err = 2;
			break;
		}
		if (revoke ? bpf_map_delete_elem(fd, key) :
			     bpf_map_update_elem(fd, key, &one, BPF_ANY)) {
			fprintf(stderr, "checmate_udp_ingress: %s %s: %s\n",
				revoke ? "revoke" : "allow", cidrs[i],
				strerror(errno));
			err = 1;
		}
	}
	close(fd4);
	close(fd6);
	return err;
}

static int do_attach(const char *cgroup, const char *dir, char **cidrs,
		     int n)
{
	char obj_path[PATH_MAX], path[PATH_MAX], exe[PATH_MAX];
	struct ingress_key4 k4;
	struct ingress_key6 k6;
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;
	ssize_t len;
	int cgfd, i, err;

	/* Every CIDR is checked before anything is loaded. */
	for (i = 0; i < n; i++) {
		if (parse_cidr(cidrs[i], &k4, &k6) < 0) {
			fprintf(stderr, "checmate_udp_ingress: bad CIDR '%s'\n",
				cidrs[i]);
			return 2;
		}
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return 1;
	exe[len] = '\0';
	snprintf(obj_path, sizeof(obj_path), "%s/checmate_udp_ingress.bpf.o",
		 dirname(exe));
	cgfd = open(cgroup, O_RDONLY | O_DIRECTORY);
	if (cgfd < 0) {
		fprintf(stderr, "checmate_udp_ingress: %s: %s\n", cgroup,
			strerror(errno));
		return 1;
	}
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "checmate_udp_ingress: loading %s failed\n",
			obj_path);
		return 1;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "checmate_udp_ingress: %s: %s\n", dir,
			strerror(errno));
		return 1;
	}
	bpf_object__for_each_map(map, obj) {
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		if (bpf_map__pin(map, path))
			return 1;
	}
	/* Rules first, so the policy is complete when it takes effect. */
	err = n ? update_rules(dir, cidrs, n, 0) : 0;
	if (err)
		return err;
	bpf_object__for_each_program(prog, obj) {
		struct bpf_link *link = bpf_program__attach_cgroup(prog, cgfd);

		if (!link) {
			fprintf(stderr, "checmate_udp_ingress: attach %s: %s\n",
				bpf_program__name(prog), strerror(errno));
			return 1;
		}
		snprintf(path, sizeof(path), "%s/link_%s", dir,
			 bpf_program__name(prog));
		if (bpf_link__pin(link, path))
			return 1;
	}
	printf("ingress allowlist on %s (%d rule%s), pinned in %s\n", cgroup,
	       n, n == 1 ? "" : "s", dir);
	return 0;
}

static int show_denials(const char *dir)
{
	struct ingress_peer key, next;
	char path[PATH_MAX], addr[INET6_ADDRSTRLEN];
	void *prev = NULL;
	__u64 count;
	int fd;

	snprintf(path, sizeof(path), "%s/denials", dir);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fprintf(stderr, "checmate_udp_ingress: %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &count))
			continue;
		inet_ntop(key.family == INGRESS_AF_INET ? AF_INET : AF_INET6,
			  key.addr, addr, sizeof(addr));
		printf("%s %s: %llu denied\n", addr,
		       key.protocol == INGRESS_IPPROTO_TCP ? "tcp" : "udp",
		       (unsigned long long)count);
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
			fprintf(stderr, "checmate_udp_ingress: %s: %s\n", path,
				strerror(errno));
			return 1;
		}
	}
	rmdir(dir);
	return 0;
}

int main(int argc, char **argv)
{
	char *cidrs[64];
	int i, n = 0;

	if (argc < 3)
		return print_usage();
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (!strcmp(argv[1], "attach") && argc >= 4) {
		for (i = 4; i < argc; i += 2) {
			if (strcmp(argv[i], "--allow") || i + 1 == argc ||
			    n == (int)ARRAY_SIZE(cidrs))
				return print_usage();
			cidrs[n++] = argv[i + 1];
		}
		return do_attach(argv[2], argv[3], cidrs, n);
	}
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
