// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libvirt.h"
#include "parse.h"
#include "vmname.h"

/* Elements open at once; libvirt's status files nest about 8 deep. */
#define DEPTH_MAX 64
/* Attributes of one element that are kept; the rest are checked and skipped. */
#define ATTRS_MAX 16
/* A decoded attribute value or text that is looked at. */
#define VALUE_MAX 256

struct span {
	const char *s;
	size_t len;
};

struct attr {
	struct span name, value;
};

/* The device element being read: a child of <domain><devices>. */
struct device {
	struct tce_libvirt_device dev;
	bool vio, has_target;
	char type[32], model_attr[64];
	uint64_t target_index;
};

struct scan {
	const char *start, *p, *end;
	const char *what;
	struct tce_err *err;
	struct tce_libvirt_domain *d;
	struct span stack[DEPTH_MAX];
	size_t depth;
	bool domain_seen, in_domain, has_pid, has_name;
	char mem_unit[16];
	char text[VALUE_MAX];	/* <name> or <memory> being read */
	size_t text_len;
	bool text_cut, capture;
	struct device dev;
	bool in_device;
};

static int fail(struct scan *sc, const char *why)
{
	return tce_fail(sc->err, TCE_EFILE, "%s is not a libvirt status file: %s at byte %zu",
			sc->what, why, (size_t)(sc->p - sc->start));
}

static bool span_is(struct span sp, const char *s)
{
	return sp.len == strlen(s) && !memcmp(sp.s, s, sp.len);
}

static void put_utf8(char *out, size_t cap, size_t *used, bool *cut, unsigned long c)
{
	char u[4];
	size_t n;

	if (c < 0x80)
		u[0] = (char)c, n = 1;
	else if (c < 0x800)
		u[0] = (char)(0xc0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3f)), n = 2;
	else if (c < 0x10000)
		u[0] = (char)(0xe0 | c >> 12), u[1] = (char)(0x80 | ((c >> 6) & 0x3f)),
		u[2] = (char)(0x80 | (c & 0x3f)), n = 3;
	else
		u[0] = (char)(0xf0 | c >> 18), u[1] = (char)(0x80 | ((c >> 12) & 0x3f)),
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f)), u[3] = (char)(0x80 | (c & 0x3f)), n = 4;
	if (*used + n >= cap) {
		*cut = true;
		return;
	}
	memcpy(out + *used, u, n);
	*used += n;
}

/* The character reference or entity at s (after '&', up to ';'); 0 when it is none. */
static unsigned long entity(const char *s, size_t len)
{
	static const struct { const char *name; char c; } named[] = {
		{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "apos", '\'' }, { "quot", '"' },
	};
	unsigned long c = 0;
	size_t i = 1;
	int base = 10;

	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
		if (len == strlen(named[k].name) && !memcmp(s, named[k].name, len))
			return (unsigned char)named[k].c;
	if (len < 2 || s[0] != '#')
		return 0;
	if (s[1] == 'x') {
		base = 16;
		i = 2;
	}
	if (i == len || len - i > 8)
		return 0;
	for (; i < len; i++) {
		const char *digits = "0123456789abcdef";
		const char *d = memchr(digits, s[i] | (base == 16 ? 0x20 : 0), (size_t)base);

		if (!d)
			return 0;
		c = c * (unsigned long)base + (unsigned long)(d - digits);
	}
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return c;
}

/* Raw text (an attribute value, character data) decoded into out; -1 on a bad entity. */
static int decode(struct scan *sc, struct span in, char *out, size_t cap, size_t *used, bool *cut)
{
	for (size_t i = 0; i < in.len; i++) {
		const char *semi;
		unsigned long c;

		if (in.s[i] != '&') {
			if (*used + 1 >= cap)
				*cut = true;
			else
				out[(*used)++] = in.s[i];
			continue;
		}
		semi = memchr(in.s + i, ';', in.len - i);
		c = semi ? entity(in.s + i + 1, (size_t)(semi - in.s - i - 1)) : 0;
		if (!c) {
			sc->p = in.s + i;
			return fail(sc, "an entity other than &lt; &gt; &amp; &apos; &quot; &#N;");
		}
		put_utf8(out, cap, used, cut, c);
		i = (size_t)(semi - in.s);
	}
	out[*used] = '\0';
	return 0;
}

/* An attribute's decoded value into out ("" when absent); -1 when bad or too long. */
static int attr_value(struct scan *sc, const struct attr *attrs, size_t n, const char *name,
		      char *out, size_t cap)
{
	size_t used = 0;
	bool cut = false;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!span_is(attrs[i].name, name))
			continue;
		if (decode(sc, attrs[i].value, out, cap, &used, &cut))
			return -1;
		if (cut) {
			sc->p = attrs[i].value.s;
			return fail(sc, "an attribute value too long");
		}
	}
	return 0;
}

static int number(struct scan *sc, const char *s, uint64_t max, uint64_t *v, const char *why)
{
	if (parse_u64(s, v) || *v > max)
		return fail(sc, why);
	return 0;
}

/* Bytes of one unit of libvirt's memory units (b, KiB or k, KB, MiB or M, MB, ...). */
static uint64_t unit_bytes(const char *unit)
{
	static const char powers[] = "kmgtpe";
	char low[8];
	const char *p;
	size_t n = strlen(unit);
	uint64_t base, bytes = 1;

	if (!n)
		return 1024;
	if (n >= sizeof(low))
		return 0;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)(unit[i] >= 'A' && unit[i] <= 'Z' ? unit[i] + 32 : unit[i]);
	if (!strcmp(low, "b") || !strcmp(low, "bytes"))
		return 1;
	p = strchr(powers, low[0]);
	if (!p || !low[0])
		return 0;
	if (!low[1] || !strcmp(low + 1, "ib"))
		base = 1024;
	else if (!strcmp(low + 1, "b"))
		base = 1000;
	else
		return 0;
	for (long k = 0; k <= p - powers; k++)
		bytes *= base;
	return bytes;
}

static int memory_bytes(struct scan *sc)
{
	uint64_t per = unit_bytes(sc->mem_unit), v;
	char digits[VALUE_MAX];
	size_t b = strspn(sc->text, " \t\r\n");

	snprintf(digits, sizeof(digits), "%.*s", (int)strcspn(sc->text + b, " \t\r\n"), sc->text + b);
	if (!per)
		return fail(sc, "a <memory> unit other than b, KiB, MiB, GiB, TiB, KB, MB...");
	if (strpbrk(digits, "xX") || parse_u64(digits, &v) || sc->text[b + strlen(digits) +
	    strspn(sc->text + b + strlen(digits), " \t\r\n")])
		return fail(sc, "a <memory> that is not a number");
	if (v > UINT64_MAX / per)
		return fail(sc, "a <memory> too large");
	sc->d->ram_bytes = v * per;
	return 0;
}

/* src into dst, cut to fit. */
static void keep(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int device_start(struct scan *sc, struct span name, const struct attr *a, size_t n)
{
	struct device *dv = &sc->dev;

	*dv = (struct device){ 0 };
	snprintf(dv->dev.element, sizeof(dv->dev.element), "%.*s", (int)name.len, name.s);
	if (attr_value(sc, a, n, "type", dv->type, sizeof(dv->type)) ||
	    attr_value(sc, a, n, "model", dv->model_attr, sizeof(dv->model_attr)))
		return -1;
	keep(dv->dev.model, sizeof(dv->dev.model), dv->model_attr);
	sc->in_device = true;
	return 0;
}

/* A child of the device element: its address, alias, model and target. */
static int device_child(struct scan *sc, struct span name, const struct attr *a, size_t n)
{
	struct device *dv = &sc->dev;
	char v[VALUE_MAX];
	uint64_t x;

	if (span_is(name, "address")) {
		if (attr_value(sc, a, n, "type", v, sizeof(v)))
			return -1;
		if (strcmp(v, "spapr-vio"))
			return 0;
		if (attr_value(sc, a, n, "reg", v, sizeof(v)) ||
		    number(sc, v, UINT32_MAX, &x, "a spapr-vio reg that is not a 32-bit number"))
			return -1;
		dv->vio = true;
		dv->dev.liobn = (uint32_t)x;
	} else if (span_is(name, "alias")) {
		if (attr_value(sc, a, n, "name", dv->dev.alias, sizeof(dv->dev.alias)))
			return -1;
	} else if (span_is(name, "model")) {
		if (attr_value(sc, a, n, "type", v, sizeof(v)))
			return -1;
		if (!*v && attr_value(sc, a, n, "name", v, sizeof(v)))
			return -1;
		if (*v)
			keep(dv->dev.model, sizeof(dv->dev.model), v);
	} else if (span_is(name, "target")) {
		if (attr_value(sc, a, n, "index", v, sizeof(v)))
			return -1;
		if (*v) {
			/* PHB index N gives liobn 0x80000000 | N << 8: N fits 23 bits. */
			if (strpbrk(v, "xX") || number(sc, v, 0x7fffff, &x, "a controller target index out of range"))
				return -1;
			dv->has_target = true;
			dv->target_index = x;
		}
	}
	return 0;
}

static void device_end(struct scan *sc)
{
	struct device *dv = &sc->dev;
	struct tce_libvirt_domain *d = sc->d;

	sc->in_device = false;
	if (!dv->vio && !(!strcmp(dv->dev.element, "controller") && !strcmp(dv->type, "pci") &&
			  !strcmp(dv->model_attr, "pci-root") &&
			  !strcmp(dv->dev.model, "spapr-pci-host-bridge") && dv->has_target))
		return;
	if (!dv->vio) {
		dv->dev.phb = true;
		dv->dev.liobn = 0x80000000u | (uint32_t)dv->target_index << 8;
	}
	if (d->n_devices == TCE_LIBVIRT_DEVICES_MAX) {
		d->devices_cut = true;
		return;
	}
	d->devices[d->n_devices++] = dv->dev;
}

/* Depth after the element opened: 1 is <domstatus>, 2 <domain>, 3 <devices>... */
static bool path_is(const struct scan *sc, size_t depth, const char *const *names)
{
	if (sc->depth != depth)
		return false;
	for (size_t i = 0; i < depth && names[i]; i++)
		if (!span_is(sc->stack[i], names[i]))
			return false;
	return true;
}

static int element_start(struct scan *sc, struct span name, const struct attr *a, size_t n)
{
	static const char *const domain[] = { "domstatus", "domain", NULL };
	static const char *const field[] = { "domstatus", "domain", NULL, NULL };
	static const char *const device[] = { "domstatus", "domain", "devices", NULL, NULL };
	char v[VALUE_MAX];
	uint64_t pid;

	if (sc->depth == DEPTH_MAX)
		return fail(sc, "elements nested too deeply");
	sc->stack[sc->depth++] = name;
	if (sc->depth == 1) {
		if (!span_is(name, "domstatus"))
			return fail(sc, "a root element other than <domstatus>");
		if (attr_value(sc, a, n, "pid", v, sizeof(v)))
			return -1;
		if (parse_u64(v, &pid) || !pid || pid > INT_MAX)
			return fail(sc, "a pid that is not a process id");
		sc->d->pid = (pid_t)pid;
		sc->has_pid = true;
		return 0;
	}
	if (path_is(sc, 2, domain) && span_is(name, "domain")) {
		/* Only the first: the domain that runs. */
		sc->in_domain = !sc->domain_seen;
		sc->domain_seen = true;
		return 0;
	}
	if (!sc->in_domain)
		return 0;
	if (path_is(sc, 3, field) && (span_is(name, "name") || span_is(name, "memory"))) {
		sc->capture = true;
		sc->text_len = 0;
		sc->text_cut = false;
		sc->text[0] = '\0';
		if (span_is(name, "memory"))
			return attr_value(sc, a, n, "unit", sc->mem_unit, sizeof(sc->mem_unit));
		return 0;
	}
	if (path_is(sc, 4, device))
		return device_start(sc, name, a, n);
	if (sc->in_device && sc->depth == 5)
		return device_child(sc, name, a, n);
	return 0;
}

static int element_end(struct scan *sc)
{
	struct span name = sc->stack[sc->depth - 1];

	if (sc->capture) {
		sc->capture = false;
		if (span_is(name, "name") && !sc->has_name) {
			if (sc->text_cut || sc->text_len > TCE_VM_NAME_MAX)
				return fail(sc, "a domain name too long");
			if (memchr(sc->text, '\0', sc->text_len) || !sc->text_len)
				return fail(sc, "an empty domain name");
			memcpy(sc->d->name, sc->text, sc->text_len + 1);
			sc->has_name = true;
		} else if (span_is(name, "memory") && memory_bytes(sc)) {
			return -1;
		}
	}
	if (sc->in_device && sc->depth == 4)
		device_end(sc);
	if (sc->depth == 2 && sc->in_domain)
		sc->in_domain = false;
	sc->depth--;
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_space(struct scan *sc)
{
	while (sc->p < sc->end && is_space(*sc->p))
		sc->p++;
}

/* The span up to (not past) the first of stop; at the end: none. */
static bool upto(struct scan *sc, const char *stop, struct span *out)
{
	const char *q = sc->p;

	while (q < sc->end && !strchr(stop, *q))
		q++;
	if (q == sc->end)
		return false;
	*out = (struct span){ sc->p, (size_t)(q - sc->p) };
	sc->p = q;
	return true;
}

/* Skips past the next occurrence of s. */
static bool past(struct scan *sc, const char *s)
{
	size_t n = strlen(s);

	for (const char *q = sc->p; q + n <= sc->end; q++)
		if (!memcmp(q, s, n)) {
			sc->p = q + n;
			return true;
		}
	return false;
}

/* Character data: kept when it is <name>'s or <memory>'s, else only checked. */
static int text(struct scan *sc, struct span raw, bool cdata)
{
	char sink[8];
	size_t sink_used = 0;
	bool sink_cut = false;

	if (cdata) {
		for (size_t i = 0; sc->capture && i < raw.len; i++)
			if (sc->text_len + 1 >= sizeof(sc->text))
				sc->text_cut = true;
			else
				sc->text[sc->text_len++] = raw.s[i];
		sc->text[sc->text_len] = '\0';
		return 0;
	}
	/* A bad entity anywhere means a file this scanner would misread. */
	if (!sc->capture)
		return decode(sc, raw, sink, sizeof(sink), &sink_used, &sink_cut);
	return decode(sc, raw, sc->text, sizeof(sc->text), &sc->text_len, &sc->text_cut);
}

static bool name_char(char c)
{
	return !is_space(c) && !strchr("<>/='\"&", c);
}

static int start_tag(struct scan *sc)
{
	struct attr attrs[ATTRS_MAX];
	size_t n = 0;
	struct span name = { sc->p, 0 };
	const char *tag = sc->p - 1, *after;

	while (sc->p < sc->end && name_char(*sc->p))
		sc->p++;
	name.len = (size_t)(sc->p - name.s);
	if (!name.len)
		return fail(sc, "a '<' that starts no element");
	for (;;) {
		struct attr a;
		char quote;

		skip_space(sc);
		if (sc->p == sc->end)
			return fail(sc, "the end of the file inside a tag");
		if (*sc->p == '>' || (*sc->p == '/' && sc->p + 1 < sc->end && sc->p[1] == '>')) {
			bool empty = *sc->p == '/';

			/* What is wrong with the element is said at its start. */
			after = sc->p + (empty ? 2 : 1);
			sc->p = tag;
			if (element_start(sc, name, attrs, n) || (empty && element_end(sc)))
				return -1;
			sc->p = after;
			return 0;
		}
		a.name.s = sc->p;
		while (sc->p < sc->end && name_char(*sc->p))
			sc->p++;
		a.name.len = (size_t)(sc->p - a.name.s);
		skip_space(sc);
		if (!a.name.len || sc->p == sc->end || *sc->p != '=')
			return fail(sc, "an attribute without '=VALUE'");
		sc->p++;
		skip_space(sc);
		if (sc->p == sc->end || (*sc->p != '\'' && *sc->p != '"'))
			return fail(sc, "an attribute value without quotes");
		quote = *sc->p++;
		a.value.s = sc->p;
		while (sc->p < sc->end && *sc->p != quote && *sc->p != '<')
			sc->p++;
		if (sc->p == sc->end || *sc->p != quote)
			return fail(sc, "an unterminated attribute value");
		a.value.len = (size_t)(sc->p - a.value.s);
		sc->p++;
		for (size_t i = 0; i < n; i++)
			if (attrs[i].name.len == a.name.len && !memcmp(attrs[i].name.s, a.name.s, a.name.len))
				return fail(sc, "an attribute given twice");
		if (n == ATTRS_MAX)
			return fail(sc, "an element with too many attributes");
		attrs[n++] = a;
	}
}

static int end_tag(struct scan *sc)
{
	const char *tag = sc->p - 2;
	struct span name;

	if (!upto(sc, ">", &name))
		return fail(sc, "the end of the file inside an end tag");
	while (name.len && is_space(name.s[name.len - 1]))
		name.len--;
	sc->p = tag;
	if (!sc->depth)
		return fail(sc, "an end tag that closes nothing");
	if (name.len != sc->stack[sc->depth - 1].len ||
	    memcmp(name.s, sc->stack[sc->depth - 1].s, name.len))
		return fail(sc, "an end tag that does not match its element");
	if (element_end(sc))
		return -1;
	sc->p = name.s + name.len;
	return upto(sc, ">", &name) ? (sc->p++, 0) : -1;
}

/* What starts with '<' at sc->p. */
static int markup(struct scan *sc)
{
	const char *at = sc->p++;
	size_t left = (size_t)(sc->end - at);

	if (left >= 4 && !memcmp(at, "<!--", 4)) {
		sc->p = at + 4;
		return past(sc, "-->") ? 0 : fail(sc, "the end of the file inside a comment");
	}
	if (left >= 9 && !memcmp(at, "<![CDATA[", 9)) {
		const char *s = at + 9;

		sc->p = s;
		if (!past(sc, "]]>"))
			return fail(sc, "the end of the file inside CDATA");
		if (!sc->depth)
			return fail(sc, "CDATA outside the root element");
		return text(sc, (struct span){ s, (size_t)(sc->p - 3 - s) }, true);
	}
	if (left >= 2 && at[1] == '!') {
		sc->p = at;
		return fail(sc, "a DOCTYPE or declaration, which libvirt does not write");
	}
	if (left >= 2 && at[1] == '?') {
		sc->p = at + 2;
		return past(sc, "?>") ? 0 : fail(sc, "the end of the file inside <?...?>");
	}
	if (left >= 2 && at[1] == '/') {
		sc->p = at + 2;
		return end_tag(sc);
	}
	if (sc->depth == 0 && sc->has_pid)
		return fail(sc, "a second root element");
	return start_tag(sc);
}

int tce_libvirt_parse(const char *xml, size_t len, const char *what,
		      struct tce_libvirt_domain *d, struct tce_err *err)
{
	struct scan *sc = calloc(1, sizeof(*sc));
	int rc = -1;

	if (!sc)
		return tce_fail(err, TCE_EIO, "out of memory reading %s", what);
	*d = (struct tce_libvirt_domain){ 0 };
	*sc = (struct scan){ .start = xml, .p = xml, .end = xml + len, .what = what, .err = err, .d = d };
	if (memchr(xml, '\0', len)) {
		sc->p = memchr(xml, '\0', len);
		fail(sc, "a NUL byte");
		goto out;
	}
	while (sc->p < sc->end) {
		struct span raw = { sc->p, 0 };

		if (*sc->p == '<') {
			if (markup(sc))
				goto out;
			continue;
		}
		while (sc->p < sc->end && *sc->p != '<')
			sc->p++;
		raw.len = (size_t)(sc->p - raw.s);
		if (!sc->depth) {
			for (size_t i = 0; i < raw.len; i++)
				if (!is_space(raw.s[i])) {
					sc->p = raw.s + i;
					fail(sc, "text outside the root element");
					goto out;
				}
			continue;
		}
		if (text(sc, raw, false))
			goto out;
	}
	if (sc->depth)
		fail(sc, "the end of the file inside an element (truncated?)");
	else if (!sc->has_pid)
		fail(sc, "no <domstatus pid='...'>");
	else if (!sc->has_name)
		fail(sc, "no <domain><name>");
	else
		rc = 0;
out:
	free(sc);
	return rc;
}

const char *tce_libvirt_dir(void)
{
	const char *dir = getenv("TCECTL_LIBVIRT_DIR");

	return dir && *dir ? dir : TCE_LIBVIRT_DIR_DEFAULT;
}

int tce_libvirt_read(const char *path, struct tce_libvirt_domain *d, struct tce_err *err)
{
	/* O_NONBLOCK: a FIFO put there must not hang us; it is refused below. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	size_t used = 0;
	struct stat st;
	char *buf;
	int rc;

	if (fd < 0)
		return tce_fail(err, errno == ENOENT ? TCE_ENOTARGET : TCE_EFILE,
				"cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return tce_fail(err, TCE_EFILE, "%s is not a regular file", path);
	}
	if (st.st_size > (off_t)TCE_LIBVIRT_FILE_MAX)
		goto too_large;
	buf = malloc(TCE_LIBVIRT_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		return tce_fail(err, TCE_EIO, "out of memory reading %s", path);
	}
	/* Up to one byte past the limit: a file that grew since fstat is refused too. */
	while (used <= TCE_LIBVIRT_FILE_MAX) {
		ssize_t n = read(fd, buf + used, TCE_LIBVIRT_FILE_MAX + 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = tce_fail(err, TCE_EFILE, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		if (!n)
			break;
		used += (size_t)n;
	}
	if (used > TCE_LIBVIRT_FILE_MAX) {
		free(buf);
		goto too_large;
	}
	rc = tce_libvirt_parse(buf, used, path, d, err);
out:
	free(buf);
	close(fd);
	return rc;
too_large:
	close(fd);
	return tce_fail(err, TCE_EFILE, "%s is larger than %u MiB: not a libvirt status file",
			path, TCE_LIBVIRT_FILE_MAX >> 20);
}

int tce_libvirt_domain_by_name(const char *name, struct tce_libvirt_domain *d,
			       struct tce_err *err)
{
	char path[4096], shown[64 * 4 + 4];
	struct tce_err read_err = { 0 };
	const char *dir = tce_libvirt_dir();

	tce_vm_name_quote(name, 64, shown, sizeof(shown));
	if (!tce_vm_name_is_file_safe(name))
		return tce_fail(err, TCE_ENOTARGET, "'%s' cannot be a libvirt domain's name", shown);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.xml", dir, name) >= sizeof(path))
		return tce_fail(err, TCE_ENOTARGET, "the path of %s's status file is too long", dir);
	if (tce_libvirt_read(path, d, &read_err)) {
		if (read_err.status == TCE_ENOTARGET)
			return tce_fail(err, TCE_ENOTARGET, "%s has no status file %s.xml", dir, shown);
		*err = read_err;
		return -1;
	}
	if (strcmp(d->name, name))
		return tce_fail(err, TCE_EFILE, "%s is the status of another domain, not of '%s'",
				path, shown);
	if (kill(d->pid, 0) && errno == ESRCH)
		return tce_fail(err, TCE_ENOTARGET, "%s is stale: its pid %d is gone", path, (int)d->pid);
	if (!tce_vm_pid_has_name(d->pid, name))
		return tce_fail(err, TCE_ENOTARGET,
				"%s is stale: its pid %d is another process, not a QEMU with -name guest=%s",
				path, (int)d->pid, shown);
	return 0;
}

int tce_libvirt_domain_of_pid(pid_t pid, struct tce_libvirt_domain *d, struct tce_err *err)
{
	char name[TCE_VM_NAME_MAX + 2];
	struct tce_err by_name = { 0 };

	if (!tce_vm_name_of_pid(pid, name, sizeof(name)) || !tce_vm_name_is_file_safe(name))
		return 0;
	if (tce_libvirt_domain_by_name(name, d, &by_name)) {
		if (by_name.status == TCE_ENOTARGET)
			return 0;
		*err = by_name;
		return -1;
	}
	return d->pid == pid;
}

const struct tce_libvirt_device *tce_libvirt_device_of_liobn(const struct tce_libvirt_domain *d,
							     uint32_t liobn)
{
	for (size_t i = 0; i < d->n_devices; i++) {
		const struct tce_libvirt_device *dev = &d->devices[i];

		if (dev->liobn == liobn || (dev->phb && dev->liobn + 1 == liobn))
			return dev;
	}
	return NULL;
}
