// SPDX-License-Identifier: GPL-2.0
/*
 * checmate-ctl - manage Checmate policies: attach programs to cgroups,
 * detach, reset and seal hooks, list what is attached, show counters.
 *
 * Exit status: 0 success, 1 the operation failed, 2 usage error.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/checmate.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define CGROOT		"/sys/fs/cgroup"
#define SFS		"/sys/kernel/security/checmate/"
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define MAX_HOOKS	64
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static bool json;
static char hook_names[MAX_HOOKS][64];
static unsigned int nr_hooks;

static const struct {
	const char *name;
	__u32 flag;
} seal_names[] = {
	{ "deny-reset", CHECMATE_SEAL_DENY_RESET },
	{ "append-only", CHECMATE_SEAL_APPEND_ONLY },
	{ "locked", CHECMATE_SEAL_LOCKED },
};

static void usage_main(FILE *f)
{
	fputs("Usage: checmate-ctl [--json] COMMAND [ARGS]\n"
"\n"
"Commands:\n"
"  attach OBJ CGROUP [--prog NAME] [--pin DIR]\n"
"                       attach the SEC(\"checmate/<hook>\") programs of OBJ\n"
"  detach CGROUP (--id ID | --pin PATH)\n"
"                       detach one program or pinned link\n"
"  reset CGROUP HOOK    detach every program of HOOK attached to CGROUP\n"
"  seal CGROUP HOOK SEAL...\n"
"                       add seals: deny-reset, append-only, locked\n"
"  list [CGROUP]        cgroups with Checmate programs, per hook\n"
"  stats                decisions per hook since boot\n"
"  hooks                hooks of the running kernel\n"
"  test OBJ [--prog NAME] FIELD=VALUE...\n"
"                       run a program on a context, print its verdict\n"
"\n"
"CGROUP is a cgroup v2 path (absolute, or relative to " CGROOT ").\n"
"Run 'checmate-ctl COMMAND --help' for one command. Exit status: 0 done,\n"
"1 the operation failed, 2 bad usage.\n", f);
}

static const char *const cmd_help[][2] = {
	{ "attach",
"Usage: checmate-ctl attach OBJ CGROUP [--prog NAME] [--pin DIR]\n"
"\n"
"Load the BPF object OBJ and attach its Checmate programs (each names\n"
"its hook: SEC(\"checmate/socket_connect\")) to CGROUP. Without --pin the\n"
"attachment lasts until 'checmate-ctl detach' or the cgroup goes away;\n"
"with --pin, each program is attached through a link pinned as DIR/NAME\n"
"in a bpffs, which lasts as long as the pin.\n"
"  --prog NAME  attach only program NAME\n"
"  --pin DIR    attach through links pinned in DIR (created if needed)\n" },
	{ "detach",
"Usage: checmate-ctl detach CGROUP (--id ID | --pin PATH)\n"
"\n"
"Detach program ID (see 'list') from CGROUP, or the link pinned at PATH\n"
"(the pin is removed). Refused on a hook sealed append-only or locked.\n" },
	{ "reset",
"Usage: checmate-ctl reset CGROUP HOOK\n"
"\n"
"Detach every program of HOOK attached to CGROUP itself (not its\n"
"ancestors' or descendants'). Refused on a sealed hook.\n" },
	{ "seal",
"Usage: checmate-ctl seal CGROUP HOOK SEAL...\n"
"\n"
"Add seals to HOOK of CGROUP; they cannot be removed while the cgroup\n"
"exists, by anyone:\n"
"  deny-reset   reset is refused\n"
"  append-only  nothing can be detached; programs may still be added\n"
"  locked       nothing can be attached or detached\n" },
	{ "list",
"Usage: checmate-ctl [--json] list [CGROUP]\n"
"\n"
"Show every cgroup under CGROUP (default: all) that has Checmate programs\n"
"or seals: per hook, its own programs (id, name, and whether a privileged\n"
"or a delegated caller loaded it), the number of programs in effect (its\n"
"own and its ancestors'), and its seals.\n" },
	{ "stats",
"Usage: checmate-ctl [--json] stats\n"
"\n"
"Decisions per hook since boot: allowed, denied, rewritten.\n" },
	{ "test",
"Usage: checmate-ctl [--json] test OBJ [--prog NAME] FIELD=VALUE...\n"
"\n"
"Load the Checmate program of OBJ (or program NAME) and run it once on\n"
"its hook's context, built from FIELD=VALUE pairs (other fields are 0),\n"
"with BPF_PROG_TEST_RUN: nothing is attached, no operation happens.\n"
"Print the verdict (allow, or deny with the errno) and, if the program\n"
"rewrote the context, the fields it changed. Fields are those of the\n"
"hook's context in <linux/checmate.h>: family (inet, inet6 or a number),\n"
"protocol (tcp, udp or a number), addr, port, sig, cap, ...; addresses\n"
"are IPv4 or IPv6 text; a struct's members are NAME.MEMBER (file.ino=,\n"
"target.pid=), an array's words NAME[N] (cmds[0]=). Exit status 0\n"
"whatever the verdict.\n" },
	{ "hooks",
"Usage: checmate-ctl [--json] hooks\n"
"\n"
"The hooks of the running kernel and their context sizes.\n" },
};

static int usage(const char *cmd, int status)
{
	FILE *f = status ? stderr : stdout;
	size_t i;

	for (i = 0; cmd && i < ARRAY_SIZE(cmd_help); i++) {
		if (!strcmp(cmd, cmd_help[i][0])) {
			fputs(cmd_help[i][1], f);
			return status;
		}
	}
	usage_main(f);
	return status;
}

static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "checmate-ctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int load_hooks(void)
{
	char line[64];
	FILE *f;

	f = fopen(SFS "hooks", "r");
	if (!f)
		return -errno;
	while (nr_hooks + 1 < MAX_HOOKS && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n ")] = '\0';
		snprintf(hook_names[++nr_hooks], sizeof(hook_names[0]), "%s",
			 line);
	}
	fclose(f);
	return 0;
}

static const char *hook_name(__u32 hook)
{
	return hook >= 1 && hook <= nr_hooks ? hook_names[hook] : "?";
}

static int hook_by_name(const char *name)
{
	unsigned int i;

	for (i = 1; i <= nr_hooks; i++)
		if (!strcmp(name, hook_names[i]))
			return i;
	return -1;
}

static void seals_str(__u32 seals, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(seal_names); i++)
		if (seals & seal_names[i].flag)
			len += snprintf(buf + len, size - len, "%s%s",
					len ? "," : "", seal_names[i].name);
	if (!len)
		snprintf(buf, size, "none");
}

static int ctl(__u32 op, int cgfd, __u32 hook, struct checmate_ctl *out,
	       __u32 seals)
{
	struct checmate_ctl c = {
		.op = op, .cgroup_fd = cgfd, .hook = hook, .seals = seals,
	};
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.checmate_ctl.ctl = (__u64)(unsigned long)&c;
	attr.checmate_ctl.size = sizeof(c);
	err = sys_bpf(BPF_CHECMATE_CTL, &attr);
	if (!err && out)
		*out = c;
	return err ? -errno : 0;
}

/* Opens a cgroup given as a path, absolute or relative to CGROOT. */
static int open_cgroup(const char *arg, char *path, size_t size)
{
	int fd;

	if (arg[0] == '/')
		snprintf(path, size, "%s", arg);
	else
		snprintf(path, size, CGROOT "/%s", arg);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fail("cannot open cgroup %s: %s", path, strerror(errno));
	return fd;
}

/* A message that names the errno and its likely cause. */
static int explain(const char *what, int err, int cgfd, __u32 hook)
{
	struct checmate_ctl c;
	char seals[64];

	err = err < 0 ? -err : err;
	switch (err) {
	case EPERM:
		if (hook && !ctl(CHECMATE_CTL_GET, cgfd, hook, &c, 0) &&
		    c.seals) {
			seals_str(c.seals, seals, sizeof(seals));
			return fail("%s: %s (EPERM): hook %s sealed %s",
				    what, strerror(err), hook_name(hook), seals);
		}
		return fail("%s: %s (EPERM): %s", what, strerror(err),
			    "needs CAP_SYS_ADMIN in the initial user namespace, or a delegating BPF token with no_new_privs and write access to the cgroup");
	case EBADF:
		return fail("%s: %s (EBADF): not a cgroup v2 directory", what,
			    strerror(err));
	case ENOENT:
		return fail("%s: %s (ENOENT): no such program attached to this cgroup",
			    what, strerror(err));
	case EACCES:
		return fail("%s: %s (EACCES): %s", what, strerror(err),
			    "the verifier refused a context access (a write outside the hook's writable fields, or any write by a delegated program)");
	case EINVAL:
		return fail("%s: %s (EINVAL): %s", what, strerror(err),
			    "bad argument (unknown hook, or not a Checmate program?)");
	default:
		return fail("%s: %s", what, strerror(err));
	}
}

static int prog_hook(int fd, char *name, size_t size)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		return -1;
	if (name)
		snprintf(name, size, "%s", info.name);
	return info.type == BPF_PROG_TYPE_CHECMATE ? (int)info.attach_btf_id :
						      -1;
}

/* Who loaded program @fd: "delegated" or "privileged" (or "?"). */
static const char *prog_origin(int fd)
{
	struct checmate_ctl c = { .op = CHECMATE_CTL_PROG_INFO, .prog_fd = fd };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.checmate_ctl.ctl = (__u64)(unsigned long)&c;
	attr.checmate_ctl.size = sizeof(c);
	if (sys_bpf(BPF_CHECMATE_CTL, &attr))
		return "?";
	return c.prog_flags & CHECMATE_PROG_DELEGATED ? "delegated" :
							 "privileged";
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

static int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prog", required_argument, NULL, 'p' },
		{ "pin", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *only = NULL, *pindir = NULL;
	struct bpf_program *prog;
	struct bpf_object *obj;
	char path[PATH_MAX];
	int c, cgfd, err, n = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			only = optarg;
			break;
		case 'P':
			pindir = optarg;
			break;
		case 'h':
			return usage("attach", 0);
		default:
			return usage("attach", EXIT_USAGE);
		}
	}
	if (argc - optind != 2)
		return usage("attach", EXIT_USAGE);
	obj = bpf_object__open_file(argv[optind], NULL);
	if (!obj)
		return fail("%s: not a BPF object: %s", argv[optind],
			    strerror(errno));
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__type(prog) != BPF_PROG_TYPE_CHECMATE) {
			bpf_program__set_autoload(prog, false);
			continue;
		}
		if (only && strcmp(only, bpf_program__name(prog)))
			bpf_program__set_autoload(prog, false);
		else
			n++;
	}
	if (!n) {
		bpf_object__close(obj);
		return fail("%s: no Checmate program%s%s (need SEC(\"checmate/<hook>\"))",
			    argv[optind], only ? " named " : "", only ?: "");
	}
	cgfd = open_cgroup(argv[optind + 1], path, sizeof(path));
	if (cgfd < 0) {
		bpf_object__close(obj);
		return EXIT_FAIL;
	}
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return explain("load", err, cgfd, 0);
	}
	if (pindir && mkdir(pindir, 0700) && errno != EEXIST)
		return fail("cannot create %s: %s", pindir, strerror(errno));
	bpf_object__for_each_program(prog, obj) {
		int fd = bpf_program__fd(prog), hook;
		char pin[PATH_MAX];

		if (!bpf_program__autoload(prog))
			continue;
		hook = prog_hook(fd, NULL, 0);
		if (pindir) {
			struct bpf_link *link;

			link = bpf_program__attach_cgroup(prog, cgfd);
			if (!link)
				return explain(bpf_program__name(prog), errno,
					       cgfd, hook);
			snprintf(pin, sizeof(pin), "%s/%s", pindir,
				 bpf_program__name(prog));
			err = bpf_link__pin(link, pin);
			if (err)
				return fail("pin %s: %s", pin, strerror(-err));
		} else {
			err = bpf_prog_attach(fd, cgfd, BPF_CHECMATE,
					      BPF_F_ALLOW_MULTI);
			if (err)
				return explain(bpf_program__name(prog), errno,
					       cgfd, hook);
		}
		if (json) {
			printf("{\"attached\":\"%s\",\"hook\":\"%s\",",
			       bpf_program__name(prog), hook_name(hook));
			printf("\"cgroup\":\"%s\",\"id\":%u", path, prog_id(fd));
			if (pindir)
				printf(",\"pin\":\"%s\"", pin);
			printf("}\n");
		} else {
			printf("attached %s (id %u) to %s of %s%s%s\n",
			       bpf_program__name(prog), prog_id(fd),
			       hook_name(hook), path,
			       pindir ? ", link pinned at " : "",
			       pindir ? pin : "");
		}
	}
	close(cgfd);
	bpf_object__close(obj);
	return 0;
}

static int cmd_detach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "pin", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *pin = NULL;
	char path[PATH_MAX];
	long id = -1;
	int c, cgfd, fd, hook, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			id = strtol(optarg, NULL, 0);
			break;
		case 'P':
			pin = optarg;
			break;
		case 'h':
			return usage("detach", 0);
		default:
			return usage("detach", EXIT_USAGE);
		}
	}
	if (argc - optind != 1 || (id >= 0 && pin) || (id < 0 && !pin))
		return usage("detach", EXIT_USAGE);
	cgfd = open_cgroup(argv[optind], path, sizeof(path));
	if (cgfd < 0)
		return EXIT_FAIL;
	if (pin) {
		struct bpf_link_info info;
		__u32 len = sizeof(info);

		fd = bpf_obj_get(pin);
		if (fd < 0)
			return fail("%s: not a pinned link: %s", pin,
				    strerror(errno));
		memset(&info, 0, sizeof(info));
		hook = 0;
		if (!bpf_link_get_info_by_fd(fd, &info, &len)) {
			int pfd = bpf_prog_get_fd_by_id(info.prog_id);

			if (pfd >= 0) {
				hook = prog_hook(pfd, NULL, 0);
				close(pfd);
			}
		}
		err = bpf_link_detach(fd);
		if (err)
			return explain("detach", errno, cgfd, hook);
		unlink(pin);
	} else {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			return fail("no program with id %ld: %s", id,
				    strerror(errno));
		hook = prog_hook(fd, NULL, 0);
		if (hook < 0)
			return fail("program %ld is not a Checmate program", id);
		err = bpf_prog_detach2(fd, cgfd, BPF_CHECMATE);
		if (err)
			return explain("detach", errno, cgfd, hook);
	}
	if (json)
		printf("{\"detached\":true,\"cgroup\":\"%s\"}\n", path);
	else
		printf("detached from %s\n", path);
	return 0;
}

static int cmd_reset_seal(int argc, char **argv, bool seal)
{
	const char *cmd = seal ? "seal" : "reset";
	char path[PATH_MAX], buf[64];
	__u32 seals = 0;
	int cgfd, hook, i, err;
	size_t j;

	if (argc > 1 && !strcmp(argv[1], "--help"))
		return usage(cmd, 0);
	if (seal ? argc < 4 : argc != 3)
		return usage(cmd, EXIT_USAGE);
	hook = hook_by_name(argv[2]);
	if (hook < 0)
		return fail("unknown hook '%s' (see 'checmate-ctl hooks')",
			    argv[2]);
	for (i = 3; seal && i < argc; i++) {
		for (j = 0; j < ARRAY_SIZE(seal_names); j++)
			if (!strcmp(argv[i], seal_names[j].name))
				break;
		if (j == ARRAY_SIZE(seal_names)) {
			fail("unknown seal '%s': deny-reset, append-only or locked",
			     argv[i]);
			return EXIT_USAGE;
		}
		seals |= seal_names[j].flag;
	}
	cgfd = open_cgroup(argv[1], path, sizeof(path));
	if (cgfd < 0)
		return EXIT_FAIL;
	err = ctl(seal ? CHECMATE_CTL_SEAL : CHECMATE_CTL_RESET, cgfd, hook,
		  NULL, seals);
	if (err)
		return explain(cmd, err, cgfd, hook);
	seals_str(seals, buf, sizeof(buf));
	if (json)
		printf("{\"%s\":\"%s\",\"cgroup\":\"%s\"%s%s%s}\n", cmd,
		       hook_name(hook), path, seal ? ",\"seals\":\"" : "",
		       seal ? buf : "", seal ? "\"" : "");
	else if (seal)
		printf("sealed %s of %s: %s\n", hook_name(hook), path, buf);
	else
		printf("reset %s of %s\n", hook_name(hook), path);
	return 0;
}

static bool list_first = true;
static int list_status;

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static int list_one(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	__u32 ids[256], cnt, i, h;
	bool any = false, first_hook = true;
	struct checmate_ctl c;
	char seals[64], dseals[64];
	int cgfd, fd, n;

	if (type != FTW_D)
		return 0;
	cgfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return 0;
	cnt = 256;
	n = bpf_prog_query(cgfd, BPF_CHECMATE, 0, NULL, ids, &cnt);
	if (n && errno == EPERM)
		list_status = EXIT_FAIL;
	for (h = 1; h <= nr_hooks; h++) {
		if (ctl(CHECMATE_CTL_GET, cgfd, h, &c, 0) ||
		    (!c.prog_cnt && !c.seals && !c.delegated_seals))
			continue;
		if (!any) {
			if (json) {
				printf("%s{\"cgroup\":", list_first ? "" : ",");
				json_str(path);
				printf(",\"hooks\":[");
			} else {
				printf("%s\n", path);
			}
			any = true;
			list_first = false;
		}
		seals_str(c.seals, seals, sizeof(seals));
		seals_str(c.delegated_seals, dseals, sizeof(dseals));
		if (json) {
			printf("%s{\"hook\":\"%s\",\"seals\":\"%s\",",
			       first_hook ? "" : ",", hook_name(h), seals);
			printf("\"delegated_seals\":\"%s\",", dseals);
			printf("\"effective\":%u,\"programs\":[",
			       c.effective_prog_cnt);
		} else {
			printf("  %-18s own %u  effective %u  seals %s",
			       hook_name(h), c.prog_cnt, c.effective_prog_cnt,
			       seals);
			if (c.delegated_seals)
				printf("  delegated-seals %s", dseals);
			printf("\n");
		}
		first_hook = false;
		for (i = 0, n = 0; i < cnt; i++) {
			char name[BPF_OBJ_NAME_LEN];

			fd = bpf_prog_get_fd_by_id(ids[i]);
			if (fd < 0)
				continue;
			if (prog_hook(fd, name, sizeof(name)) == (int)h) {
				if (json) {
					printf("%s{\"id\":%u,\"name\":", n++ ? "," : "",
					       ids[i]);
					json_str(name);
					printf(",\"attached_by\":\"%s\"}",
					       prog_origin(fd));
				} else {
					printf("    %-8u %-16s %s\n", ids[i], name,
					       prog_origin(fd));
				}
			}
			close(fd);
		}
		if (json)
			printf("]}");
	}
	if (any && json)
		printf("]}");
	close(cgfd);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	char path[PATH_MAX];

	if (argc > 1 && !strcmp(argv[1], "--help"))
		return usage("list", 0);
	if (argc > 2)
		return usage("list", EXIT_USAGE);
	if (argc == 2) {
		int fd = open_cgroup(argv[1], path, sizeof(path));

		if (fd < 0)
			return EXIT_FAIL;
		close(fd);
	} else {
		snprintf(path, sizeof(path), CGROOT);
	}
	if (json)
		printf("[");
	nftw(path, list_one, 16, FTW_PHYS);
	if (json)
		printf("]\n");
	if (list_status)
		fail("some programs could not be read: run as root");
	return list_status;
}

static int cmd_stats(int argc, char **argv)
{
	unsigned long long a, d, r;
	char line[256], name[64];
	bool first = true;
	FILE *f;

	if (argc > 1 && !strcmp(argv[1], "--help"))
		return usage("stats", 0);
	if (argc != 1)
		return usage("stats", EXIT_USAGE);
	f = fopen(SFS "counters", "r");
	if (!f)
		return fail(SFS "counters: %s", strerror(errno));
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return fail(SFS "counters: empty");
	}
	if (json)
		printf("[");
	else
		printf("%-20s %12s %12s %12s\n", "hook", "allowed", "denied",
		       "rewritten");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu %llu %llu", name, &a, &d, &r) != 4)
			continue;
		if (json)
			printf("%s{\"hook\":\"%s\",\"allow\":%llu,\"deny\":%llu,\"rewrite\":%llu}",
			       first ? "" : ",", name, a, d, r);
		else
			printf("%-20s %12llu %12llu %12llu\n", name, a, d, r);
		first = false;
	}
	fclose(f);
	if (json)
		printf("]\n");
	return 0;
}

/* The context fields of each hook: name, offset and kind. */
enum field_kind {
	FIELD_U32,
	FIELD_ADDR,	/* __u32[4], an IPv4 or IPv6 address */
	FIELD_INODE,	/* struct checmate_inode: NAME.ino, NAME.dev, ... */
	FIELD_TASK,	/* struct checmate_task: NAME.pid, NAME.tgid, ... */
};

struct ctx_field {
	const char *name;
	unsigned int off;
	enum field_kind kind;
};

#define F(n, o)		{ #n, o, FIELD_U32 }
#define A(n, o)		{ #n, o, FIELD_ADDR }
#define I(n, o)		{ #n, o, FIELD_INODE }
#define T(n, o)		{ #n, o, FIELD_TASK }

/* The members of struct checmate_inode, in order, each a __u32. */
static const char *const inode_members[] = {
	"ino", "ino_hi", "dev", "mode", "uid", "gid", "magic", "mnt_flags",
};

/* The members of struct checmate_task, in order, each a __u32. */
static const char *const task_members[] = { "pid", "tgid", "uid", "euid" };

/* The members of a struct field, or NULL for a plain one. */
static const char *const *field_members(const struct ctx_field *f, size_t *n)
{
	switch (f->kind) {
	case FIELD_INODE:
		*n = ARRAY_SIZE(inode_members);
		return inode_members;
	case FIELD_TASK:
		*n = ARRAY_SIZE(task_members);
		return task_members;
	default:
		*n = 0;
		return NULL;
	}
}

static unsigned int field_size(const struct ctx_field *f)
{
	size_t n;

	if (f->kind == FIELD_ADDR)
		return 16;
	return field_members(f, &n) ? n * 4 : 4;
}

static const struct ctx_field sock_fields[] = {
	F(family, 0), F(protocol, 4), A(addr, 8), F(port, 24),
	F(backlog, 28), {}
};

static const struct ctx_field sendmsg_fields[] = {
	F(family, 0), F(protocol, 4), A(addr, 8), F(port, 24), F(len, 28),
	F(type, 32), {}
};

static const struct ctx_field create_fields[] = {
	F(family, 0), F(type, 4), F(protocol, 8), {}
};

static const struct ctx_field request_fields[] = {
	F(family, 0), F(protocol, 4), A(remote_addr, 8), F(remote_port, 24),
	A(local_addr, 28), F(local_port, 44), {}
};

static const struct ctx_field file_open_fields[] = {
	I(file, 0), F(flags, 32), F(access, 36), {}
};

static const struct ctx_field mknod_fields[] = {
	I(dir, 0), F(mode, 32), F(dev, 36), {}
};

static const struct ctx_field mkdir_fields[] = {
	I(dir, 0), F(mode, 32), {}
};

static const struct ctx_field remove_fields[] = {
	I(dir, 0), I(object, 32), {}
};

static const struct ctx_field symlink_fields[] = {
	I(dir, 0), {}
};

static const struct ctx_field link_fields[] = {
	I(object, 0), I(new_dir, 32), {}
};

static const struct ctx_field rename_fields[] = {
	I(old_dir, 0), I(object, 32), I(new_dir, 64), I(target, 96),
	F(flags, 128), {}
};

static const struct ctx_field truncate_fields[] = {
	I(object, 0), F(open_file, 32), {}
};

static const struct ctx_field chmod_fields[] = {
	I(object, 0), F(mode, 32), {}
};

static const struct ctx_field chown_fields[] = {
	I(object, 0), F(uid, 32), F(gid, 36), {}
};

static const struct ctx_field chroot_fields[] = {
	I(object, 0), {}
};

static const struct ctx_field bprm_fields[] = {
	I(file, 0), F(interp, 32), F(argc, 36), {}
};

static const struct ctx_field mount_fields[] = {
	I(target, 0), I(source, 32), F(flags, 64), {}
};

static const struct ctx_field move_mount_fields[] = {
	I(from, 0), I(to, 32), {}
};

static const struct ctx_field umount_fields[] = {
	I(mount, 0), F(flags, 32), {}
};

static const struct ctx_field remount_fields[] = {
	I(root, 0), {}
};

static const struct ctx_field mmap_fields[] = {
	I(file, 0), F(prot, 32), F(flags, 36), F(mprotect, 40), {}
};

static const struct ctx_field pivotroot_fields[] = {
	I(new_root, 0), I(put_old, 32), {}
};

static const struct ctx_field ptrace_fields[] = {
	T(target, 0), F(mode, 16), F(relations, 20), {}
};

static const struct ctx_field traceme_fields[] = {
	T(tracer, 0), F(mode, 16), F(relations, 20), {}
};

static const struct ctx_field kill_fields[] = {
	T(target, 0), F(sig, 16), F(code, 20), F(relations, 24), {}
};

static const struct ctx_field userns_fields[] = {
	F(uid, 0), F(depth, 4), {}
};

static const struct ctx_field capable_fields[] = {
	F(cap, 0), F(opts, 4), F(init_ns, 8), F(depth, 12), F(own_ns, 16), {}
};

static const struct ctx_field bpf_fields[] = {
	F(cmd, 0), F(prog_type, 4), F(map_type, 8), F(attach_type, 12),
	F(token, 16), {}
};

static const struct ctx_field map_create_fields[] = {
	F(map_type, 0), F(map_flags, 4), F(key_size, 8), F(value_size, 12),
	F(max_entries, 16), F(token, 20), {}
};

static const struct ctx_field prog_load_fields[] = {
	F(prog_type, 0), F(attach_type, 4), F(checmate_hook, 8), F(token, 12),
	{}
};

static const struct ctx_field token_create_fields[] = {
	{ "cmds[0]", 0, FIELD_U32 }, { "cmds[1]", 4, FIELD_U32 },
	{ "maps[0]", 8, FIELD_U32 }, { "maps[1]", 12, FIELD_U32 },
	{ "progs[0]", 16, FIELD_U32 }, { "progs[1]", 20, FIELD_U32 },
	{ "attachs[0]", 24, FIELD_U32 }, { "attachs[1]", 28, FIELD_U32 },
	F(depth, 32), {}
};

static const struct ctx_field module_request_fields[] = {
	F(name_len, 0), {}
};

static const struct ctx_field read_file_fields[] = {
	I(file, 0), F(id, 32), F(contents, 36), {}
};

static const struct ctx_field load_data_fields[] = {
	F(id, 0), F(contents, 4), {}
};

static const struct ctx_field recvmsg_fields[] = {
	F(family, 0), F(protocol, 4), A(remote_addr, 8), F(remote_port, 24),
	A(local_addr, 28), F(local_port, 44), F(type, 48), F(size, 52),
	F(flags, 56), {}
};

static const struct ctx_field rcv_skb_fields[] = {
	F(family, 0), F(protocol, 4), A(remote_addr, 8), F(remote_port, 24),
	A(local_addr, 28), F(local_port, 44), F(len, 48), {}
};

static const struct ctx_field accept_fields[] = {
	F(family, 0), F(protocol, 4), A(addr, 8), F(port, 24), {}
};

static const struct {
	const char *hook;
	const struct ctx_field *fields;
} hook_field_table[] = {
	{ "socket_create", create_fields },
	{ "socket_bind", sock_fields },
	{ "socket_connect", sock_fields },
	{ "socket_listen", sock_fields },
	{ "socket_sendmsg", sendmsg_fields },
	{ "inet_conn_request", request_fields },
	{ "file_open", file_open_fields },
	{ "path_mknod", mknod_fields },
	{ "path_mkdir", mkdir_fields },
	{ "path_rmdir", remove_fields },
	{ "path_unlink", remove_fields },
	{ "path_symlink", symlink_fields },
	{ "path_link", link_fields },
	{ "path_rename", rename_fields },
	{ "path_truncate", truncate_fields },
	{ "path_chmod", chmod_fields },
	{ "path_chown", chown_fields },
	{ "path_chroot", chroot_fields },
	{ "bprm_check_security", bprm_fields },
	{ "sb_mount", mount_fields },
	{ "move_mount", move_mount_fields },
	{ "sb_umount", umount_fields },
	{ "sb_remount", remount_fields },
	{ "sb_pivotroot", pivotroot_fields },
	{ "mmap_file", mmap_fields },
	{ "ptrace_access_check", ptrace_fields },
	{ "ptrace_traceme", traceme_fields },
	{ "task_kill", kill_fields },
	{ "userns_create", userns_fields },
	{ "capable", capable_fields },
	{ "bpf", bpf_fields },
	{ "bpf_map_create", map_create_fields },
	{ "bpf_prog_load", prog_load_fields },
	{ "bpf_token_create", token_create_fields },
	{ "kernel_module_request", module_request_fields },
	{ "kernel_read_file", read_file_fields },
	{ "kernel_load_data", load_data_fields },
	{ "socket_recvmsg", recvmsg_fields },
	{ "socket_sock_rcv_skb", rcv_skb_fields },
	{ "socket_accept", accept_fields },
};

/* The context fields of a hook; none for a hook this tool does not know. */
static const struct ctx_field *hook_fields(const char *hook)
{
	static const struct ctx_field none[] = { {} };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hook_field_table); i++)
		if (!strcmp(hook, hook_field_table[i].hook))
			return hook_field_table[i].fields;
	return none;
}

/* Parses one FIELD=VALUE into @ctx (of @size bytes); 0 or -1. */
static int set_field(const struct ctx_field *fields, __u8 *ctx,
		     unsigned int size, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const struct ctx_field *f;
	__u32 v;
	char *end;

	for (f = fields; eq && f->name; f++) {
		size_t len = strlen(f->name), n;
		const char *const *members = field_members(f, &n);
		unsigned int off = f->off;

		if (strncmp(arg, f->name, len))
			continue;
		if (members) {
			/* NAME.MEMBER=VALUE */
			size_t i;

			if (arg[len] != '.')
				continue;
			for (i = 0; i < n; i++)
				if (strlen(members[i]) ==
				    (size_t)(eq - arg) - len - 1 &&
				    !strncmp(arg + len + 1, members[i],
					     eq - arg - len - 1))
					break;
			if (i == n)
				return -1;
			off += i * 4;
		} else if (len != (size_t)(eq - arg)) {
			continue;
		}
		if (off + (f->kind == FIELD_ADDR ? 16 : 4) > size)
			break;
		if (f->kind == FIELD_ADDR) {
			memset(ctx + f->off, 0, 16);
			if (inet_pton(AF_INET, eq + 1, ctx + f->off) == 1 ||
			    inet_pton(AF_INET6, eq + 1, ctx + f->off) == 1)
				return 0;
			return -1;
		}
		if (!strcmp(eq + 1, "inet")) {
			v = AF_INET;
		} else if (!strcmp(eq + 1, "inet6")) {
			v = AF_INET6;
		} else if (!strcmp(eq + 1, "tcp")) {
			v = IPPROTO_TCP;
		} else if (!strcmp(eq + 1, "udp")) {
			v = IPPROTO_UDP;
		} else {
			errno = 0;
			v = strtoul(eq + 1, &end, 0);
			if (errno || *end || end == eq + 1)
				return -1;
		}
		memcpy(ctx + off, &v, sizeof(v));
		return 0;
	}
	return -1;
}

/* Prints a field's value: an address as text, a number as a number. */
static void print_field(const struct ctx_field *f, const __u8 *ctx)
{
	char buf[INET6_ADDRSTRLEN];
	const char *const *members;
	size_t i, n;
	__u32 v;

	members = field_members(f, &n);
	if (members) {
		for (i = 0; i < n; i++) {
			memcpy(&v, ctx + f->off + i * 4, sizeof(v));
			printf(json ? "%s\"%s.%s\":%u" : "%s%s.%s=%u",
			       i ? (json ? "," : " ") : "", f->name,
			       members[i], v);
		}
		return;
	}
	if (f->kind == FIELD_ADDR) {
		const __u32 *a = (const __u32 *)(ctx + f->off);

		if (a[1] || a[2] || a[3])
			inet_ntop(AF_INET6, a, buf, sizeof(buf));
		else
			inet_ntop(AF_INET, a, buf, sizeof(buf));
		printf(json ? "\"%s\":\"%s\"" : "%s=%s", f->name, buf);
		return;
	}
	memcpy(&v, ctx + f->off, sizeof(v));
	printf(json ? "\"%s\":%u" : "%s=%u", f->name, v);
}

static int cmd_test(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prog", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	__u8 ctx[256] = {}, out[256] = {};
	const struct ctx_field *fields, *f;
	struct bpf_program *prog, *chosen = NULL;
	const char *only = NULL, *name;
	union bpf_attr attr;
	struct bpf_object *obj;
	unsigned int size = 0;
	int c, n = 0, fd, hook, ret, err, i;
	char line[128], hname[64];
	bool changed = false;
	FILE *h;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			only = optarg;
			break;
		case 'h':
			return usage("test", 0);
		default:
			return usage("test", EXIT_USAGE);
		}
	}
	if (argc - optind < 1)
		return usage("test", EXIT_USAGE);
	obj = bpf_object__open_file(argv[optind], NULL);
	if (!obj)
		return fail("%s: not a BPF object: %s", argv[optind],
			    strerror(errno));
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__type(prog) != BPF_PROG_TYPE_CHECMATE ||
		    (only && strcmp(only, bpf_program__name(prog)))) {
			bpf_program__set_autoload(prog, false);
			continue;
		}
		chosen = prog;
		n++;
	}
	if (n != 1) {
		bpf_object__close(obj);
		if (!n)
			return fail("%s: no Checmate program%s%s", argv[optind],
				    only ? " named " : "", only ?: "");
		return fail("%s: %d Checmate programs: name one with --prog",
			    argv[optind], n);
	}
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return explain("load", err, -1, 0);
	}
	fd = bpf_program__fd(chosen);
	hook = prog_hook(fd, NULL, 0);
	name = hook_name(hook);
	/* The context size, from securityfs: "name size" per hook. */
	h = fopen(SFS "hooks", "r");
	while (h && fgets(line, sizeof(line), h))
		if (sscanf(line, "%63s %u", hname, &size) == 2 &&
		    !strcmp(hname, name))
			break;
	if (h)
		fclose(h);
	if (!size || size > sizeof(ctx)) {
		bpf_object__close(obj);
		return fail("%s: unknown context size", name);
	}
	fields = hook_fields(name);
	for (i = optind + 1; i < argc; i++) {
		if (set_field(fields, ctx, size, argv[i])) {
			bpf_object__close(obj);
			fail("%s: not a field of %s, or a bad value", argv[i],
			     name);
			return usage("test", EXIT_USAGE);
		}
	}
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.ctx_in = (__u64)(unsigned long)ctx;
	attr.test.ctx_size_in = size;
	attr.test.ctx_out = (__u64)(unsigned long)out;
	attr.test.ctx_size_out = sizeof(out);
	if (sys_bpf(BPF_PROG_TEST_RUN, &attr)) {
		err = errno;
		bpf_object__close(obj);
		return fail("test run: %s", strerror(err));
	}
	ret = (int)attr.test.retval;
	if (json) {
		printf("{\"prog\":\"%s\",\"hook\":\"%s\",",
		       bpf_program__name(chosen), name);
		printf("\"verdict\":\"%s\",\"errno\":%d,\"rewritten\":{",
		       ret ? "deny" : "allow", -ret);
	} else if (ret) {
		printf("%s: %s: deny, %s (%d)\n", bpf_program__name(chosen),
		       name, strerror(-ret), ret);
	} else {
		printf("%s: %s: allow\n", bpf_program__name(chosen), name);
	}
	for (f = fields; f->name; f++) {
		if (f->off + field_size(f) > size ||
		    !memcmp(ctx + f->off, out + f->off, field_size(f)))
			continue;
		if (!json)
			printf(changed ? " " : "rewritten: ");
		else if (changed)
			printf(",");
		print_field(f, out);
		changed = true;
	}
	if (json)
		printf("}}\n");
	else if (changed)
		printf("\n");
	bpf_object__close(obj);
	return 0;
}

static int cmd_hooks(int argc, char **argv)
{
	char line[128], name[64];
	bool first = true;
	unsigned int size;
	FILE *f;

	if (argc > 1 && !strcmp(argv[1], "--help"))
		return usage("hooks", 0);
	f = fopen(SFS "hooks", "r");
	if (!f)
		return fail(SFS "hooks: %s", strerror(errno));
	if (json)
		printf("[");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %u", name, &size) != 2)
			continue;
		if (json)
			printf("%s{\"hook\":\"%s\",\"ctx_size\":%u}",
			       first ? "" : ",", name, size);
		else
			printf("%-20s context %u bytes\n", name, size);
		first = false;
	}
	fclose(f);
	if (json)
		printf("]\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i = 1;

	if (argc > 1 && !strcmp(argv[1], "--json")) {
		json = true;
		i++;
	}
	if (i >= argc)
		return usage(NULL, EXIT_USAGE);
	cmd = argv[i];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "help"))
		return usage(i + 1 < argc ? argv[i + 1] : NULL, 0);
	if (load_hooks())
		return fail("%s: %s (is Checmate enabled and securityfs mounted?)",
			    SFS "hooks", strerror(errno));
	libbpf_set_print(NULL);
	argc -= i;
	argv += i;
	optind = 1;
	if (!strcmp(cmd, "attach"))
		return cmd_attach(argc, argv);
	if (!strcmp(cmd, "detach"))
		return cmd_detach(argc, argv);
	if (!strcmp(cmd, "reset"))
		return cmd_reset_seal(argc, argv, false);
	if (!strcmp(cmd, "seal"))
		return cmd_reset_seal(argc, argv, true);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc, argv);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc, argv);
	if (!strcmp(cmd, "hooks"))
		return cmd_hooks(argc, argv);
	if (!strcmp(cmd, "test"))
		return cmd_test(argc, argv);
	fail("unknown command '%s'", cmd);
	return usage(NULL, EXIT_USAGE);
}
